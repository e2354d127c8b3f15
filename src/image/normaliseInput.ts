/**
 * ToTensor + Normalize as torch computes them in float32, so the network input
 * matches PyTorch bit for bit rather than "to about 1e-7".
 */

import type { RgbImage } from './types';

const f32 = Math.fround;

/**
 * Per-channel lookup table: a pixel byte maps to exactly one float, so 3 x 256
 * evaluations cover the whole image. Each step is rounded to float32 like torch:
 * `x = float32(b) / 255` (ToTensor), then `(x - float32(mean)) / float32(std)`
 * (Normalize's sub_/div_ with float32 mean/std tensors). A double op on float32
 * inputs rounded once to float32 equals the float32 op for + - * /, so fround
 * after each step reproduces IEEE float32 arithmetic.
 */
export function normaliseLut(mean: readonly [number, number, number], std: readonly [number, number, number], rescaleFactor?: number): Float32Array[] {
  const luts: Float32Array[] = [];
  for (let c = 0; c < 3; c++) {
    const m = f32(mean[c]!);
    const s = f32(std[c]!);
    const lut = new Float32Array(256);
    for (let b = 0; b < 256; b++) lut[b] = f32(f32(scaled(b, rescaleFactor) - m) / s);
    luts.push(lut);
  }
  return luts;
}

/**
 * A byte in [0, 1]: torchvision divides in float32 (`float32(b) / 255`); transformers'
 * `rescale` multiplies in float64 by its rescale_factor and rounds to float32 once
 * (`image.astype(float64) * scale`, then `.astype(float32)`). The two agree for 1/255 on
 * every byte in practice; the branch keeps each exact by construction.
 */
function scaled(b: number, rescaleFactor: number | undefined): number {
  return rescaleFactor === undefined ? f32(b / 255) : f32(b * rescaleFactor);
}

/**
 * Packed RGB bytes -> CHW float32 tensor data (length 3 * H * W), channel-major
 * because the ONNX graph takes NCHW like the PyTorch model it was exported from.
 */
export function toNormalisedCHW(img: RgbImage, mean: [number, number, number], std: [number, number, number], rescaleFactor?: number): Float32Array {
  const plane = img.width * img.height;
  if (img.data.length !== plane * 3) throw new RangeError(`image data has ${img.data.length} bytes, expected ${plane * 3}`);
  const [l0, l1, l2] = normaliseLut(mean, std, rescaleFactor) as [Float32Array, Float32Array, Float32Array];
  const out = new Float32Array(plane * 3);
  const d = img.data;
  for (let i = 0, p = 0; i < plane; i++, p += 3) {
    out[i] = l0[d[p]!]!;
    out[plane + i] = l1[d[p + 1]!]!;
    out[2 * plane + i] = l2[d[p + 2]!]!;
  }
  return out;
}

/**
 * Packed RGB bytes -> HWC float32 tensor data, for models that take NHWC input
 * (TensorFlow-style). Same per-byte values as toNormalisedCHW, only interleaved.
 */
export function toNormalisedHWC(img: RgbImage, mean: [number, number, number], std: [number, number, number], rescaleFactor?: number): Float32Array {
  const plane = img.width * img.height;
  if (img.data.length !== plane * 3) throw new RangeError(`image data has ${img.data.length} bytes, expected ${plane * 3}`);
  const luts = normaliseLut(mean, std, rescaleFactor) as [Float32Array, Float32Array, Float32Array];
  const out = new Float32Array(plane * 3);
  const d = img.data;
  for (let p = 0; p < plane * 3; p += 3) {
    out[p] = luts[0][d[p]!]!;
    out[p + 1] = luts[1][d[p + 1]!]!;
    out[p + 2] = luts[2][d[p + 2]!]!;
  }
  return out;
}

/** Packed RGB -> opaque RGBA, the layout `ImageData` wants for drawing the crop. */
export function cropToRgba(img: RgbImage): Uint8ClampedArray {
  const n = img.width * img.height;
  const out = new Uint8ClampedArray(n * 4);
  const d = img.data;
  for (let i = 0, p = 0, o = 0; i < n; i++, p += 3, o += 4) {
    out[o] = d[p]!;
    out[o + 1] = d[p + 1]!;
    out[o + 2] = d[p + 2]!;
    out[o + 3] = 255;
  }
  return out;
}
