import { cssGradient } from '../render/colormaps';
import { colourBarTicks } from '../render/legend';
import { valueRange } from '../render/normalise';
import { useAppStore, selectColormap, selectCurrentTensor, selectNormalisation } from '../store/store';
import { asMap, layerStats } from './layerData';

export function ColourBar() {
  const raw = useAppStore(selectCurrentTensor);
  const colormap = useAppStore(selectColormap);
  const normalisation = useAppStore(selectNormalisation);
  if (!raw) return <div className="colour-bar colour-bar--empty" />;
  const tensor = asMap(raw);
  const stats = layerStats(tensor);
  const range = normalisation === 'channel' ? { min: stats.layerMin, max: stats.layerMax } : valueRange(tensor, 0, normalisation, undefined, stats);
  const ticks = colourBarTicks(range.min, range.max, 5);
  return (
    <figure className="colour-bar" aria-label={`Colour scale from ${range.min.toPrecision(3)} to ${range.max.toPrecision(3)}`}>
      <div className="colour-bar__gradient" style={{ background: cssGradient(colormap) }} />
      <div className="colour-bar__ticks">
        {ticks.map((t) => (
          <span key={t.position} style={{ left: `${t.position * 100}%` }}>
            {t.label}
          </span>
        ))}
      </div>
      <figcaption>
        {normalisation === 'channel'
          ? 'Each tile is stretched from its own minimum to its own maximum; the scale shows the layer’s full range.'
          : normalisation === 'layer'
            ? 'One scale for every tile of the layer.'
            : 'Symmetric around zero: the middle colour is 0.'}
      </figcaption>
    </figure>
  );
}
