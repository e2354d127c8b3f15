/** A paused camera frame as a file: its exact pixels as a PNG, named by the time it was taken. */
import { toImageData } from '../render/drawRgba';
import type { RgbaImage } from '../worker/protocol';

/** The frame's exact pixels as a PNG (lossless: opaque pixels are stored as they are). */
export async function encodePng(frame: RgbaImage): Promise<Blob> {
  const canvas = new OffscreenCanvas(frame.width, frame.height);
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('No 2D canvas is available to save the frame.');
  ctx.putImageData(toImageData(frame), 0, 0);
  return canvas.convertToBlob({ type: 'image/png' });
}

export function timestamp(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
}
