import type { RgbaImage } from '../worker/protocol';

/**
 * Draws the crop the model saw, then `layer` (an already coloured map) over it at `opacity`.
 * Shared by the overlay panel and the Why view; setting the canvas size also clears it.
 */
export function drawCropWithOverlay(canvas: HTMLCanvasElement, crop: RgbaImage, layer: CanvasImageSource | null, opacity: number, offset = 0): void {
  canvas.width = crop.width;
  canvas.height = crop.height;
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  ctx.putImageData(new ImageData(new Uint8ClampedArray(crop.data), crop.width, crop.height), 0, 0);
  if (!layer) return;
  ctx.globalAlpha = opacity;
  ctx.drawImage(layer, offset, offset);
  ctx.globalAlpha = 1;
}
