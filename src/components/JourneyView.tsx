import type { Manifest, Tap } from '../model/manifest';
import { stageLabel } from '../model/taps';
import { computeChannelStats, strongestChannels } from '../render/stats';
import { useAppStore, selectActivations, selectColormap, selectManifest } from '../store/store';
import { CropImage, MapCanvas } from './MapCanvas';
import { openChannel, selectLayer } from '../store/viewActions';
import { layerMeanMap, layerStats } from '../render/layerData';

const JOURNEY_CHANNELS = 4;

/** The tap that stands for each stage: the stem's last map, then each stage's last block output. */
export function journeyTaps(manifest: Manifest): Tap[] {
  const out: Tap[] = [];
  for (const stage of [...new Set(manifest.taps.map((t) => t.stage))].sort((a, b) => a - b)) {
    const maps = manifest.taps.filter((t) => t.stage === stage && t.shape.length === 3 && (t.shape[1] ?? 0) > 1);
    const blocks = maps.filter((t) => t.kind === 'block');
    const pick = blocks.at(-1) ?? maps.at(-1);
    if (pick) out.push(pick);
  }
  return out;
}

/** One row per stage: the photo, the stage's mean activation map and its strongest channels. */
export function JourneyView() {
  const manifest = useAppStore(selectManifest);
  const activations = useAppStore(selectActivations);
  const colormap = useAppStore(selectColormap);
  if (!manifest || !activations) return <div className="grid-empty">Choose a photo to follow it through the network.</div>;
  return (
    <div className="journey" data-testid="journey">
      <p className="grid-caption">
        From concrete to abstract: each stage halves the grid and widens what one position sees. Left, the stage's mean activation over all channels; right,
        its strongest channels for {activations.photoName}.
      </p>
      {journeyTaps(manifest).map((tap) => {
        const tensor = activations.tensors.get(tap.name);
        if (!tensor) return null;
        const stats = layerStats(tensor);
        const mean = layerMeanMap(tensor);
        const [c = 0, h = 0, w = 0] = tap.shape;
        const meanStats = computeChannelStats({ name: 'mean', shape: [1, h, w], data: mean });
        const strongest = Array.from(strongestChannels(stats, JOURNEY_CHANNELS));
        return (
          <section key={tap.name} className="journey__row" aria-label={stageLabel(tap.stage)} data-testid="journey-row" data-tap={tap.name}>
            <div className="journey__about">
              <h3>{stageLabel(tap.stage)}</h3>
              <button type="button" className="link-button" onClick={() => { selectLayer(tap.name); useAppStore.setState({ view: 'grid' }); }}>
                {tap.name}
              </button>
              <span>
                {c}×{h}×{w}
              </span>
              {tap.receptiveField && <span>sees {Math.min(tap.receptiveField.size, manifest.input.cropSize)} px</span>}
            </div>
            <CropImage crop={activations.crop} label={`The photo, ${stageLabel(tap.stage)}`} size={88} />
            <figure className="journey__cell">
              <MapCanvas values={mean} width={w} height={h} range={{ min: meanStats.layerMin, max: meanStats.layerMax }} colormap={colormap} label={`${tap.name} mean over ${c} channels`} size={88} />
              <figcaption>mean of {c}</figcaption>
            </figure>
            {strongest.map((ch) => (
              <figure key={ch} className="journey__cell">
                <button type="button" className="tile-button" aria-label={`${tap.name} channel ${ch}`} onClick={() => { selectLayer(tap.name); openChannel(ch); }}>
                  <MapCanvas
                    values={tensor.data.subarray(ch * h * w, (ch + 1) * h * w)}
                    width={w}
                    height={h}
                    range={{ min: stats.min[ch]!, max: stats.max[ch]! }}
                    colormap={colormap}
                    label=""
                    size={88}
                  />
                </button>
                <figcaption>ch {ch}</figcaption>
              </figure>
            ))}
          </section>
        );
      })}
    </div>
  );
}
