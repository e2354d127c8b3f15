import { explainTap } from '../model/explain';
import { groupTapsByStage, kindLabel, tapOptionLabel } from '../model/taps';
import { selectLayer } from '../store/viewActions';
import { useAppStore, selectCurrentTap, selectManifest, selectSelectedTap } from '../store/store';

/** The layer select with its facts on one short line; the explanation opens on demand as a sheet over the grid. */
export function LayerPicker() {
  const manifest = useAppStore(selectManifest);
  const selected = useAppStore(selectSelectedTap);
  const tap = useAppStore(selectCurrentTap);
  if (!manifest) return null;
  const groups = groupTapsByStage(manifest.taps);
  return (
    <div className="layer-picker">
      <label className="field field--inline">
        <span>Layer</span>
        <select aria-label="Layer" value={selected ?? ''} onChange={(e) => selectLayer(e.currentTarget.value)}>
          {groups.map((g) => (
            <optgroup key={g.stage} label={g.label}>
              {g.taps.map((t) => (
                <option key={t.name} value={t.name} title={t.node}>
                  {tapOptionLabel(t)}
                </option>
              ))}
            </optgroup>
          ))}
        </select>
      </label>
      {tap && (
        <span className="layer-picker__facts" data-testid="layer-facts">
          {tap.op ?? kindLabel(tap.kind)} · {tap.shape.join('×')}
          {tap.receptiveField && <> · sees {Math.min(tap.receptiveField.size, manifest.input.cropSize)} px</>}
          {tap.channelsLast && <> · channels-last, shown as C×H×W</>}
        </span>
      )}
      {tap && (
        <details className="layer-info">
          <summary>What this layer does</summary>
          <div className="layer-info__sheet">
            <p className="layer-picker__about" data-testid="layer-description">
              <code>{tap.name}</code> · {tap.shape.join('×')}
              {tap.receptiveField && (
                <>
                  {' '}
                  · receptive field {tap.receptiveField.size}×{tap.receptiveField.size} px, stride {tap.receptiveField.stride}
                </>
              )}
              <br />
              {tap.description}
            </p>
            <p data-testid="layer-explanation">{explainTap(manifest, tap)}</p>
          </div>
        </details>
      )}
    </div>
  );
}
