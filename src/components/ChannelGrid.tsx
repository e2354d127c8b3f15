import { useLayoutEffect, useMemo, useRef } from 'react';
import { renderChannel } from '../render/channelImage';
import { getLut } from '../render/colormaps';
import { channelWindow } from '../render/gridLayout';
import { valueRange } from '../render/normalise';
import { tensorDims } from '../render/types';
import {
  useAppStore,
  selectChannelCount,
  selectColormap,
  selectCurrentTap,
  selectCurrentTensor,
  selectFirstChannel,
  selectActivations,
  selectManifest,
  selectNormalisation,
  selectStatus,
  selectTileSize,
} from '../store/store';
import { asMap, layerStats } from './layerData';

export function ChannelGrid() {
  const raw = useAppStore(selectCurrentTensor);
  const tap = useAppStore(selectCurrentTap);
  const manifest = useAppStore(selectManifest);
  const status = useAppStore(selectStatus);
  const first = useAppStore(selectFirstChannel);
  const count = useAppStore(selectChannelCount);
  const tileSize = useAppStore(selectTileSize);
  const colormap = useAppStore(selectColormap);
  const normalisation = useAppStore(selectNormalisation);
  const activations = useAppStore(selectActivations);
  const canvases = useRef<(HTMLCanvasElement | null)[]>([]);
  const lastPaintedRun = useRef(-1);

  const tensor = useMemo(() => (raw ? asMap(raw) : null), [raw]);
  const dims = tensor ? tensorDims(tensor) : null;
  const win = channelWindow(dims?.channels ?? 0, first, count);

  // All tiles are painted in one pass per change; slots are reused while the window slides.
  useLayoutEffect(() => {
    if (!tensor || !dims) return;
    const started = performance.now();
    const stats = layerStats(tensor);
    const lut = getLut(colormap);
    const image = new ImageData(dims.width, dims.height);
    for (let slot = 0; slot < win.count; slot++) {
      const canvas = canvases.current[slot];
      if (!canvas) continue;
      if (canvas.width !== dims.width || canvas.height !== dims.height) {
        canvas.width = dims.width;
        canvas.height = dims.height;
      }
      const channel = win.first + slot;
      renderChannel(image.data, tensor, channel, valueRange(tensor, channel, normalisation, undefined, stats), lut);
      canvas.getContext('2d')?.putImageData(image, 0, 0);
    }
    gridPaints.push(performance.now() - started);
    if (activations && activations.runId !== lastPaintedRun.current) {
      // Read by `npm run bench`: photo dropped → last tile of its grid painted.
      lastPaintedRun.current = activations.runId;
      performance.mark('convlens:painted', {
        detail: { runId: activations.runId, decodeMs: activations.decodeMs, preprocessMs: activations.preprocessMs, inferenceMs: activations.inferenceMs },
      });
    }
    if (gridPaints.length > 500) gridPaints.shift();
  }, [tensor, dims?.width, dims?.height, win.first, win.count, colormap, normalisation]);

  if (!manifest || !tap) return <div className="grid-empty">Waiting for the model…</div>;
  if (!tensor || !dims) {
    return <div className="grid-empty">{status === 'running' ? 'Running the network…' : 'Choose a photo to see what this layer responds to.'}</div>;
  }
  const labels = tap.kind === 'logits' ? manifest.labels : null;
  return (
    <div
      className="channel-grid"
      data-testid="channel-grid"
      data-tap={tap.name}
      data-photo={activations?.photoName}
      data-run={activations?.runId}
      data-first={win.first}
      data-count={win.count}
      style={{ gridTemplateColumns: `repeat(auto-fill, minmax(${tileSize}px, 1fr))` }}
    >
      {Array.from({ length: win.count }, (_, slot) => {
        const channel = win.first + slot;
        const caption = labels ? `${channel} ${labels[channel] ?? ''}` : String(channel);
        return (
          <div key={slot} className="tile" role="img" aria-label={`${tap.name} channel ${channel}`} style={{ width: tileSize }}>
            <canvas
              ref={(el) => {
                canvases.current[slot] = el;
              }}
              style={{ width: tileSize, height: tileSize }}
            />
            <span className="tile__index">{caption}</span>
          </div>
        );
      })}
    </div>
  );
}

/** Recent grid paint durations in ms, read by the benchmark (never used for logic). */
export const gridPaints: number[] = [];
(globalThis as { __convlensGridPaints?: number[] }).__convlensGridPaints = gridPaints;
