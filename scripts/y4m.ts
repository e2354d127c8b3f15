/**
 * A fake camera's video for Chromium (`--use-file-for-fake-video-capture=<file>.y4m`):
 * YUV4MPEG2, 4:2:0, full-range BT.601 (C420jpeg), written from photos so tests and
 * docs can point "the camera" at known subjects. Test tooling only; the app never imports it.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { PNG } from 'pngjs';
import { resizeAndCropSource } from '../src/image/resize';
import type { RgbImage } from '../src/image/types';

/** Packed RGB → planar I420 (Y full size, U and V at half size, 2×2 averages), JPEG/JFIF coefficients. */
export function rgbToI420(img: RgbImage): Uint8Array {
  const { width: w, height: h, data } = img;
  if (w % 2 || h % 2) throw new RangeError(`4:2:0 needs even sizes, got ${w}x${h}`);
  const out = new Uint8Array(w * h * 1.5);
  const clamp = (v: number) => Math.max(0, Math.min(255, Math.round(v)));
  for (let i = 0; i < w * h; i++) {
    const r = data[i * 3]!, g = data[i * 3 + 1]!, b = data[i * 3 + 2]!;
    out[i] = clamp(0.299 * r + 0.587 * g + 0.114 * b);
  }
  const u0 = w * h;
  const v0 = u0 + (w / 2) * (h / 2);
  for (let y = 0; y < h; y += 2) {
    for (let x = 0; x < w; x += 2) {
      let r = 0, g = 0, b = 0;
      for (const [dx, dy] of [[0, 0], [1, 0], [0, 1], [1, 1]] as const) {
        const p = ((y + dy) * w + x + dx) * 3;
        r += data[p]!;
        g += data[p + 1]!;
        b += data[p + 2]!;
      }
      r /= 4; g /= 4; b /= 4;
      const c = (y / 2) * (w / 2) + x / 2;
      out[u0 + c] = clamp(128 - 0.168736 * r - 0.331264 * g + 0.5 * b);
      out[v0 + c] = clamp(128 + 0.5 * r - 0.418688 * g - 0.081312 * b);
    }
  }
  return out;
}

/** A PNG scaled to cover width×height and centre-cropped (the PIL-exact resize of src/image). */
export function pngCover(path: string, width: number, height: number): RgbImage {
  const png = PNG.sync.read(readFileSync(path));
  const scale = Math.max(width / png.width, height / png.height);
  const rw = Math.max(width, Math.round(png.width * scale));
  const rh = Math.max(height, Math.round(png.height * scale));
  const box = { left: Math.floor((rw - width) / 2), top: Math.floor((rh - height) / 2), width, height };
  return resizeAndCropSource({ width: png.width, height: png.height, data: png.data, channels: 4 }, rw, rh, box);
}

export interface Segment {
  image: RgbImage;
  frames: number;
}

/** The whole file: header, then `FRAME\n` + I420 bytes per frame. Chromium loops it. */
export function y4m(width: number, height: number, fps: number, segments: readonly Segment[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`YUV4MPEG2 W${width} H${height} F${fps}:1 Ip A1:1 C420jpeg\n`)];
  for (const s of segments) {
    if (s.image.width !== width || s.image.height !== height) throw new RangeError('every segment must have the video size');
    const frame = Buffer.from(rgbToI420(s.image));
    for (let i = 0; i < s.frames; i++) parts.push(Buffer.from('FRAME\n'), frame);
  }
  return Buffer.concat(parts);
}

export function writeY4m(file: string, width: number, height: number, fps: number, segments: readonly Segment[]): void {
  writeFileSync(file, y4m(width, height, fps, segments));
}
