import { cssGradient, type ColormapId } from '../render/colormaps';
import { colourBarTicks } from '../render/legend';
import { valueRange } from '../render/normalise';
import type { ValueRange } from '../render/types';
import { useAppStore, selectColormap, selectCurrentTensor, selectNormalisation } from '../store/store';
import { asMap, layerStats } from '../render/layerData';

/** A colour bar for any range: the gradient from the same LUT as the tiles, and ticks with the real values. */
export function ColourBarView(props: { range: ValueRange; colormap: ColormapId; caption: string; label?: string }) {
  const { range, colormap, caption, label } = props;
  const ticks = colourBarTicks(range.min, range.max, 5);
  return (
    <figure className="colour-bar" aria-label={`${label ? `${label}: ` : ''}Colour scale from ${range.min.toPrecision(3)} to ${range.max.toPrecision(3)}`}>
      <div className="colour-bar__gradient" style={{ background: cssGradient(colormap) }} />
      <div className="colour-bar__ticks">
        {ticks.map((t) => (
          <span key={t.position} style={{ left: `${t.position * 100}%` }}>
            {t.label}
          </span>
        ))}
      </div>
      <figcaption>{caption}</figcaption>
    </figure>
  );
}

export function ColourBar() {
  const raw = useAppStore(selectCurrentTensor);
  const colormap = useAppStore(selectColormap);
  const normalisation = useAppStore(selectNormalisation);
  if (!raw) return <div className="colour-bar colour-bar--empty" />;
  const tensor = asMap(raw);
  const stats = layerStats(tensor);
  const range = normalisation === 'channel' ? { min: stats.layerMin, max: stats.layerMax } : valueRange(tensor, 0, normalisation, undefined, stats);
  return (
    <ColourBarView
      range={range}
      colormap={colormap}
      caption={
        normalisation === 'channel'
          ? 'Each tile is stretched from its own minimum to its own maximum; the scale shows the layer’s full range.'
          : normalisation === 'layer'
            ? 'One scale for every tile of the layer.'
            : 'Symmetric around zero: the middle colour is 0.'
      }
    />
  );
}
