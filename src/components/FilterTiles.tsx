import { useLayoutEffect, useRef } from 'react';
import { getLut } from '../render/colormaps';
import { renderKernel, renderRgbFilter, type FilterLayout } from '../render/filters';
import { formatTickValue } from '../render/legend';
import { useAppStore, selectTileSize } from '../store/store';
import { markFiltersPainted } from './filtersPaint';

function describe(layout: FilterLayout, c: number): string {
  const v = layout.values.subarray(c * layout.inputs, (c + 1) * layout.inputs);
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  for (const x of v) {
    min = Math.min(min, x);
    max = Math.max(max, x);
    sum += x;
  }
  return `weights from ${formatTickValue(min)} to ${formatTickValue(max)}, mean ${formatTickValue(sum / v.length)}`;
}

/**
 * RGB filters or depthwise kernels, one tile per output channel: one canvas pixel per
 * weight, enlarged by the browser with nearest-neighbour pixels (image-rendering: pixelated).
 */
export function FilterTiles(props: { tapName: string; layout: FilterLayout; channels: number[]; selected: number; requestedAt: number }) {
  const { tapName, layout, channels, selected, requestedAt } = props;
  const tileSize = useAppStore(selectTileSize);
  const presenter = useAppStore((s) => s.presenter);
  const canvases = useRef<(HTMLCanvasElement | null)[]>([]);
  const channelsKey = channels.join(',');

  useLayoutEffect(() => {
    const started = performance.now();
    const image = new ImageData(layout.width, layout.height);
    const lut = getLut('diverging');
    channels.forEach((c, slot) => {
      const canvas = canvases.current[slot];
      if (!canvas) return;
      if (layout.kind === 'rgb') renderRgbFilter(image.data, layout, c);
      else renderKernel(image.data, layout, c, lut);
      canvas.getContext('2d')?.putImageData(image, 0, 0);
    });
    markFiltersPainted(tapName, layout, started, requestedAt);
  }, [layout, channelsKey]);

  const size = presenter ? Math.max(tileSize, 160) : Math.max(40, Math.round(tileSize * 0.6));
  return (
    <div className="channel-grid filters__tiles" data-testid="filter-tiles" data-channels={channelsKey} style={{ gridTemplateColumns: `repeat(auto-fill, minmax(${size}px, 1fr))` }}>
      {channels.map((c, slot) => (
        <button
          key={slot}
          type="button"
          className={`tile${selected === c ? ' tile--selected' : ''}`}
          aria-label={`${tapName} filter ${c}`}
          aria-description={describe(layout, c)}
          aria-pressed={selected === c}
          data-channel={c}
          style={{ width: size }}
          onClick={() => useAppStore.setState({ selectedChannel: c })}
        >
          <canvas
            className="filters__pixels"
            width={layout.width}
            height={layout.height}
            ref={(el) => {
              canvases.current[slot] = el;
            }}
            style={{ width: size, height: Math.round((size * layout.height) / layout.width) }}
          />
          <span className="tile__index">{c}</span>
        </button>
      ))}
    </div>
  );
}
