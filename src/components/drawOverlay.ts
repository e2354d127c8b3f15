import { drawRgba } from '../render/drawRgba';
import type { RgbaImage } from '../worker/protocol';

/**
 * Draws the crop the model saw, then `layer` (an already coloured map) over it at `opacity`.
 * Shared by the overlay panel and the Why view.
 */
export function drawCropWithOverlay(canvas: HTMLCanvasElement, crop: RgbaImage, layer: CanvasImageSource | null, opacity: number, offset = 0): void {
  const ctx = drawRgba(canvas, crop);
  if (!ctx || !layer) return;
  ctx.globalAlpha = opacity;
  ctx.drawImage(layer, offset, offset);
  ctx.globalAlpha = 1;
}
