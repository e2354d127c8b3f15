import { useMemo } from 'react';
import { SAMPLES, sampleUrl } from '../app/samples';
import { differenceRange, differenceTensor, sharedRange } from '../render/compare';
import { computeChannelStats } from '../render/stats';
import { photoRef, runPhotoInSlot, runSample } from '../store/photoActions';
import { useAppStore, selectActivations, selectColormap, selectCurrentTap, selectNormalisation, selectTileSize } from '../store/store';
import { pickPhoto } from '../app/files';
import { asMap, layerStats } from '../render/layerData';
import { useGridModel } from './gridModel';
import { MapCanvas } from './MapCanvas';
import { ColourBarView } from './ColourBar';
import { openChannel } from '../store/viewActions';
import { FileButton } from './FileButton';

/**
 * Two photos side by side for the same layer and channel window, on one shared colour
 * scale, plus their difference A − B on a diverging scale centred on zero.
 */
export function CompareView() {
  const a = useAppStore(selectActivations);
  const b = useAppStore((s) => s.compare);
  const progress = useAppStore((s) => s.compareProgress);
  const tap = useAppStore(selectCurrentTap);
  const colormap = useAppStore(selectColormap);
  const normalisation = useAppStore(selectNormalisation);
  const tileSize = useAppStore(selectTileSize);
  const presenter = useAppStore((s) => s.presenter);
  const model = useGridModel();

  const rawB = tap && b ? (b.tensors.get(tap.name) ?? null) : null;
  const pair = useMemo(() => {
    if (!model || !rawB) return null;
    const tb = asMap(rawB);
    const statsB = layerStats(tb);
    const diff = differenceTensor(model.tensor, tb);
    return { tb, statsB, diff, diffStats: computeChannelStats(diff) };
  }, [model?.tensor, rawB]);

  const picker = (
    <div className="compare__picker" role="group" aria-label="Second photo">
      <span>Photo B:</span>
      {SAMPLES.map((s) => (
        <button key={s.id} type="button" className="sample sample--small" aria-label={`Use ${s.title} as photo B`} aria-pressed={b?.sampleId === s.id} onClick={() => void runSample(s, 'compare')}>
          <img src={sampleUrl(s)} alt="" width={36} height={36} />
          <span>{s.title}</span>
        </button>
      ))}
      <FileButton
        label="Choose second photo"
        accept="image/*"
        className="button button--secondary file-button file-button--inline"
        onFiles={(files) => {
          const picked = pickPhoto(files);
          if (picked.file) void runPhotoInSlot('compare', photoRef(picked.file, picked.file.name));
          else useAppStore.setState({ photoError: picked.error });
        }}
      />
      {progress && <progress aria-label="Second photo progress" />}
    </div>
  );

  if (!a || !tap || !model) return <div className="grid-empty">Choose a first photo, then a second one to compare.</div>;
  if (!b || !pair) {
    return (
      <div className="compare">
        {picker}
        <div className="grid-empty">{progress ? 'Running the second photo…' : `Photo A is ${a.photoName}. Choose photo B to compare ${tap.name} side by side.`}</div>
      </div>
    );
  }
  const size = Math.min(presenter ? 160 : tileSize, 96);
  const [, h = 1, w = 1] = model.tensor.shape;
  const hw = h * w;
  const shownRange = sharedRange(model.stats, pair.statsB, model.channels[0] ?? 0, normalisation === 'channel' ? 'layer' : normalisation);
  const diffBar = differenceRange(pair.diffStats, 0, 'layer');
  const columns: { key: 'a' | 'b' | 'd'; title: string }[] = [
    { key: 'a', title: `A: ${a.photoName}` },
    { key: 'b', title: `B: ${b.photoName}` },
    { key: 'd', title: 'Difference A − B' },
  ];
  return (
    <div className="compare" data-testid="compare" data-a={a.photoName} data-b={b.photoName}>
      {picker}
      <div className="compare__bars">
        <ColourBarView
          range={shownRange}
          colormap={colormap}
          label="Shared colour scale for A and B"
          caption={normalisation === 'channel' ? 'A and B share one scale per channel (the union of both); the bar shows the full range of both.' : 'One scale for A and B.'}
        />
        <ColourBarView range={diffBar} colormap="diverging" label="Colour scale of the difference A − B" caption="Red: stronger in A; blue: stronger in B; white: equal." />
      </div>
      <div className="compare__columns">
        {columns.map((col) => (
          <section key={col.key} className="compare__column" aria-label={col.title}>
            <h3>{col.title}</h3>
            <div className="compare__grid" style={{ gridTemplateColumns: `repeat(auto-fill, minmax(${size}px, 1fr))` }}>
              {model.channels.map((ch) => {
                const range =
                  col.key === 'd' ? differenceRange(pair.diffStats, ch, normalisation) : sharedRange(model.stats, pair.statsB, ch, normalisation);
                const source = col.key === 'a' ? model.tensor : col.key === 'b' ? pair.tb : pair.diff;
                const name = col.key === 'a' ? 'A' : col.key === 'b' ? 'B' : 'A − B';
                return (
                  <button key={ch} type="button" className="tile" aria-label={`${name} ${tap.name} channel ${ch}`} onClick={() => openChannel(ch)} style={{ width: size }}>
                    <MapCanvas
                      values={source.data.subarray(ch * hw, (ch + 1) * hw)}
                      width={w}
                      height={h}
                      range={range}
                      colormap={col.key === 'd' ? 'diverging' : colormap}
                      label=""
                      size={size}
                    />
                    <span className="tile__index">{ch}</span>
                  </button>
                );
              })}
            </div>
          </section>
        ))}
      </div>
    </div>
  );
}
