import { useDeferredValue, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { renderMeanOverlay } from '../render/channelImage';
import { getLut } from '../render/colormaps';
import { rgbaCanvas } from '../render/drawRgba';
import { valueRange } from '../render/normalise';
import { computeChannelStats } from '../render/stats';
import type { ValueRange } from '../render/types';
import { useAppStore, selectActivations, selectColormap, selectCurrentTap, selectCurrentTensor, selectNormalisation } from '../store/store';
import type { OverlaySource } from '../store/teachingSlice';
import { asMap, layerMeanMap, layerStats } from '../render/layerData';
import { drawCropWithOverlay } from './drawOverlay';

/**
 * The selected channel (or the layer's mean over channels) upsampled onto the photo.
 * Opacity is local state: dragging the slider redraws this one canvas, nothing else.
 */
export function OverlayPanel() {
  // Drawn after the grid (a later, interruptible render): the grid is what the class waits for.
  const activations = useDeferredValue(useAppStore(selectActivations));
  const raw = useDeferredValue(useAppStore(selectCurrentTensor));
  const tap = useAppStore(selectCurrentTap);
  const selected = useAppStore((s) => s.selectedChannel);
  const source = useAppStore((s) => s.overlaySource);
  const colormap = useAppStore(selectColormap);
  const normalisation = useAppStore(selectNormalisation);
  const [opacity, setOpacity] = useState(0.6);
  const canvas = useRef<HTMLCanvasElement>(null);

  const tensor = raw ? asMap(raw) : null;
  const useChannel = source === 'channel' && selected !== null && !!tensor && selected < (tensor.shape[0] ?? 0);
  const overlay = useMemo(() => {
    if (!tensor || !activations || !tap) return null;
    const [, h = 1, w = 1] = tensor.shape;
    const { crop } = activations;
    let map: Float32Array;
    let range: ValueRange;
    if (useChannel) {
      map = tensor.data.subarray(selected * h * w, (selected + 1) * h * w);
      range = valueRange(tensor, selected, normalisation, undefined, layerStats(tensor));
    } else {
      map = layerMeanMap(tensor);
      const s = computeChannelStats({ name: 'mean', shape: [1, h, w], data: map });
      range = normalisation === 'symmetric' ? { min: -s.maxAbs || -1, max: s.maxAbs || 1 } : { min: s.layerMin, max: s.layerMax };
    }
    const pixels = new Uint8ClampedArray(crop.width * crop.height * 4);
    renderMeanOverlay(pixels, crop.width, crop.height, map, w, h, range, getLut(colormap), { alpha: 1 });
    return rgbaCanvas({ data: pixels, width: crop.width, height: crop.height });
  }, [tensor?.data, activations, tap, useChannel, selected, normalisation, colormap]);

  useLayoutEffect(() => {
    const c = canvas.current;
    if (!c || !activations || !overlay) return;
    drawCropWithOverlay(c, activations.crop, overlay, opacity);
  }, [activations, overlay, opacity]);

  if (!activations || !tap || !tensor) return null;
  const what = useChannel ? `${tap.name} channel ${selected}` : `${tap.name}, mean over channels`;
  return (
    <section className="panel overlay" aria-label="Overlay">
      <h2>Overlay on the photo</h2>
      <canvas ref={canvas} className="overlay__canvas" role="img" aria-label={`Overlay of ${what} on the photo`} data-testid="overlay-canvas" />
      <p className="hint" data-testid="overlay-caption">
        {what}
        {source === 'channel' && !useChannel && ' (click a tile to choose a channel)'}
      </p>
      <label className="field">
        <span>Overlay shows</span>
        <select aria-label="Overlay shows" value={source} onChange={(e) => useAppStore.setState({ overlaySource: e.currentTarget.value as OverlaySource })}>
          <option value="channel">Selected channel</option>
          <option value="mean">Layer mean over channels</option>
        </select>
      </label>
      <label className="field field--slider">
        <span>Opacity</span>
        <input type="range" aria-label="Overlay opacity" min={0} max={1} step={0.05} value={opacity} onChange={(e) => setOpacity(Number(e.currentTarget.value))} />
        <span className="field__value" aria-hidden="true">
          {Math.round(opacity * 100)}%
        </span>
      </label>
    </section>
  );
}
