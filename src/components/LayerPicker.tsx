import { explainTap } from '../model/explain';
import { groupTapsByStage, tapOptionLabel } from '../model/taps';
import { selectLayer } from '../store/actions';
import { useAppStore, selectCurrentTap, selectManifest, selectSelectedTap } from '../store/store';

export function LayerPicker() {
  const manifest = useAppStore(selectManifest);
  const selected = useAppStore(selectSelectedTap);
  const tap = useAppStore(selectCurrentTap);
  if (!manifest) return null;
  const groups = groupTapsByStage(manifest.taps);
  return (
    <div className="layer-picker">
      <label className="field">
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
      )}
      {tap && (
        <details className="layer-picker__explain" open>
          <summary>What this layer does</summary>
          <p data-testid="layer-explanation">{explainTap(manifest, tap)}</p>
        </details>
      )}
    </div>
  );
}
