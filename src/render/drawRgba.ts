import type { RgbaImage } from '../worker/protocol';

/** The pixels as ImageData (copied: ImageData needs its own buffer). */
export function toImageData(image: RgbaImage): ImageData {
  return new ImageData(new Uint8ClampedArray(image.data), image.width, image.height);
}

/**
 * Sizes `canvas` to the image and draws it; returns the context to draw more on top.
 * Setting a canvas's size also clears it, so nothing of an earlier picture stays.
 */
export function drawRgba(canvas: HTMLCanvasElement, image: RgbaImage): CanvasRenderingContext2D | null {
  canvas.width = image.width;
  canvas.height = image.height;
  const ctx = canvas.getContext('2d');
  ctx?.putImageData(toImageData(image), 0, 0);
  return ctx;
}

/** A detached canvas holding the pixels, to draw over another picture with drawImage. */
export function rgbaCanvas(image: RgbaImage): HTMLCanvasElement {
  const canvas = document.createElement('canvas');
  drawRgba(canvas, image);
  return canvas;
}
