/**
 * Pillow's bilinear and bicubic resample (libImaging/Resample.c, Pillow 7 .. 9), ported
 * so the browser feeds the network the same bytes torchvision's `Resize` (bilinear) or a
 * Hugging Face image processor (usually bicubic) would. A canvas
 * `drawImage` resample uses a different (and browser-specific) filter, which shifts
 * early-layer activations visibly, so we do not use it.
 *
 * Exactness rests on three things mirrored from the C code:
 *  - filter coefficients are computed in float64 with the same operation order
 *    (JS numbers are IEEE doubles, like C `double`);
 *  - they are converted to 22-bit fixed point with the same rounding;
 *  - the two passes accumulate in int32 with the same initial rounding bias and
 *    clamp to uint8 in between (horizontal first, then vertical).
 * The filters and their taps are in resampleFilters.ts. The golden tests in
 * resize.test.ts check every output byte against Pillow 9.4.
 */

import { precomputeCoeffs, PRECISION_BITS, type AxisCoeffs, type ResampleFilter } from './resampleFilters';
import type { CropBox, RgbImage } from './types';

export type { CropBox, RgbImage } from './types';
export { precomputeCoeffs, type AxisCoeffs, type ResampleFilter } from './resampleFilters';
export { isOpaque, rgbaToRgb } from './alpha';

const ONE = 1 << PRECISION_BITS;
/** Rounding bias every accumulator starts from (PIL's `ss = 1 << (PRECISION_BITS - 1)`). */
const HALF = 1 << (PRECISION_BITS - 1);

/** Typed-array views use platform byte order; the uint32 fast paths assume little-endian and fall back otherwise. */
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** PIL's clip8: accumulator back to a byte, saturating. */
function clip8(v: number): number {
  if (v >= ONE << 8) return 255;
  if (v <= 0) return 0;
  return v >> PRECISION_BITS;
}

/**
 * Pixel source that may be RGB or RGBA: the horizontal pass can read an opaque
 * RGBA buffer in place, which saves a 36 MB copy for a 12 MP photo.
 */
export interface PixelSource {
  width: number;
  height: number;
  data: Uint8Array | Uint8ClampedArray;
  /** Bytes per pixel; the first three are R, G, B. */
  channels: 3 | 4;
}

/**
 * Horizontal pass over source rows [rowFirst, rowFirst + rows), writing packed RGB
 * of width `h.bounds.length / 2`. Mirrors ImagingResampleHorizontal_8bpc.
 * This is the hot loop (every source row, ~2*scale taps per output pixel).
 */
function resampleHorizontal(src: PixelSource, rowFirst: number, rows: number, h: AxisCoeffs): Uint8Array {
  const sd = asBytes(src.data);
  if (src.channels === 4 && sd.byteOffset % 4 === 0 && LITTLE_ENDIAN) {
    return resampleHorizontalRgba32(new Uint32Array(sd.buffer, sd.byteOffset, sd.length >> 2), src.width, rowFirst, rows, h);
  }
  const outW = h.bounds.length >> 1;
  const { ksize, bounds, kk } = h;
  const ch = src.channels;
  const srcStride = src.width * ch;
  const out = new Uint8Array(outW * rows * 3);
  let o = 0;
  for (let y = 0; y < rows; y++) {
    const rowOff = (rowFirst + y) * srcStride;
    for (let xx = 0; xx < outW; xx++) {
      const n = bounds[xx * 2 + 1]!;
      const kBase = xx * ksize;
      let p = rowOff + bounds[xx * 2]! * ch;
      let s0 = HALF;
      let s1 = HALF;
      let s2 = HALF;
      for (let x = 0; x < n; x++) {
        const k = kk[kBase + x]!;
        s0 = (s0 + Math.imul(sd[p]!, k)) | 0;
        s1 = (s1 + Math.imul(sd[p + 1]!, k)) | 0;
        s2 = (s2 + Math.imul(sd[p + 2]!, k)) | 0;
        p += ch;
      }
      out[o++] = clip8(s0);
      out[o++] = clip8(s1);
      out[o++] = clip8(s2);
    }
  }
  return out;
}

/**
 * Same pass for RGBA read as one little-endian uint32 per pixel: a third of the
 * loads of the byte loop, which is what dominates on multi-megapixel photos.
 */
function resampleHorizontalRgba32(px: Uint32Array, width: number, rowFirst: number, rows: number, h: AxisCoeffs): Uint8Array {
  const outW = h.bounds.length >> 1;
  const { ksize, bounds, kk } = h;
  const out = new Uint8Array(outW * rows * 3);
  let o = 0;
  for (let y = 0; y < rows; y++) {
    const rowOff = (rowFirst + y) * width;
    for (let xx = 0; xx < outW; xx++) {
      const n = bounds[xx * 2 + 1]!;
      const kBase = xx * ksize;
      const p = rowOff + bounds[xx * 2]!;
      let s0 = HALF;
      let s1 = HALF;
      let s2 = HALF;
      for (let x = 0; x < n; x++) {
        const k = kk[kBase + x]!;
        const v = px[p + x]!;
        s0 = (s0 + Math.imul(v & 255, k)) | 0;
        s1 = (s1 + Math.imul((v >>> 8) & 255, k)) | 0;
        s2 = (s2 + Math.imul((v >>> 16) & 255, k)) | 0;
      }
      out[o++] = clip8(s0);
      out[o++] = clip8(s1);
      out[o++] = clip8(s2);
    }
  }
  return out;
}

/**
 * Vertical pass (ImagingResampleVertical_8bpc) over packed RGB rows of width `w`.
 * `rowShift` is subtracted from the coefficient bounds because the temp image
 * only holds the source rows the pass needs (as PIL's ImagingResampleInner does).
 * Loops row-wise with an accumulator row so memory is read sequentially; the sum
 * per pixel is the same integer sum in the same order, so bytes are unchanged.
 */
function resampleVertical(tmp: Uint8Array, w: number, v: AxisCoeffs, rowShift: number): Uint8Array {
  const outH = v.bounds.length >> 1;
  const { ksize, bounds, kk } = v;
  const rowLen = w * 3;
  const out = new Uint8Array(rowLen * outH);
  const acc = new Int32Array(rowLen);
  for (let yy = 0; yy < outH; yy++) {
    const ymin = bounds[yy * 2]! - rowShift;
    const n = bounds[yy * 2 + 1]!;
    const kBase = yy * ksize;
    acc.fill(HALF);
    for (let y = 0; y < n; y++) {
      const k = kk[kBase + y]!;
      const rowOff = (ymin + y) * rowLen;
      for (let i = 0; i < rowLen; i++) {
        acc[i] = (acc[i]! + Math.imul(tmp[rowOff + i]!, k)) | 0;
      }
    }
    const o = yy * rowLen;
    for (let i = 0; i < rowLen; i++) out[o + i] = clip8(acc[i]!);
  }
  return out;
}

/**
 * Uint8Array view of the same memory. Keeps the hot loops monomorphic: V8 compiles
 * one version per typed-array kind, and canvas hands us Uint8ClampedArray.
 */
function asBytes(d: Uint8Array | Uint8ClampedArray): Uint8Array {
  return d instanceof Uint8Array ? d : new Uint8Array(d.buffer, d.byteOffset, d.length);
}

/** Copy a window of the source into packed RGB (used where PIL skips a pass). */
function copyWindow(src: PixelSource, left: number, top: number, w: number, h: number): Uint8Array {
  const out = new Uint8Array(w * h * 3);
  const ch = src.channels;
  const sd = asBytes(src.data);
  let o = 0;
  for (let y = 0; y < h; y++) {
    let p = ((top + y) * src.width + left) * ch;
    for (let x = 0; x < w; x++) {
      out[o++] = sd[p]!;
      out[o++] = sd[p + 1]!;
      out[o++] = sd[p + 2]!;
      p += ch;
    }
  }
  return out;
}

function checkSize(name: string, v: number): void {
  if (!Number.isInteger(v) || v <= 0) throw new RangeError(`${name} must be a positive integer, got ${v}`);
}

function checkSource(src: PixelSource): void {
  checkSize('source width', src.width);
  checkSize('source height', src.height);
  const need = src.width * src.height * src.channels;
  if (src.data.length !== need) {
    throw new RangeError(`source data has ${src.data.length} bytes, expected ${need} (${src.width}x${src.height}x${src.channels})`);
  }
}

/**
 * The window `box` of the image Pillow's `resize((outWidth, outHeight), filter)`
 * would produce, computed without producing the rest. Rows and columns of the
 * box outside the resized image are zero (torchvision CenterCrop's padding).
 * Accepts RGB or RGBA sources; alpha is ignored, so composite first if it matters.
 */
export function resizeAndCropSource(src: PixelSource, outWidth: number, outHeight: number, box: CropBox, filter: ResampleFilter = 'bilinear'): RgbImage {
  checkSource(src);
  checkSize('output width', outWidth);
  checkSize('output height', outHeight);
  checkSize('crop width', box.width);
  checkSize('crop height', box.height);
  if (!Number.isInteger(box.left) || !Number.isInteger(box.top)) throw new RangeError('crop box offsets must be integers');

  // Part of the box that lies inside the resized image.
  const x0 = Math.max(box.left, 0);
  const y0 = Math.max(box.top, 0);
  const x1 = Math.min(box.left + box.width, outWidth);
  const y1 = Math.min(box.top + box.height, outHeight);
  const result: RgbImage = { width: box.width, height: box.height, data: new Uint8Array(box.width * box.height * 3) };
  if (x1 <= x0 || y1 <= y0) return result;
  const iw = x1 - x0;
  const ih = y1 - y0;

  // PIL skips a pass when that axis keeps its size (the identity taps would give the same bytes anyway).
  const needH = outWidth !== src.width;
  const needV = outHeight !== src.height;

  let inner: Uint8Array;
  if (needV) {
    const v = precomputeCoeffs(src.height, outHeight, y0, ih, filter);
    // Source rows the vertical pass touches; taps are monotone so first/last bound it.
    const rowFirst = v.bounds[0]!;
    const rowLast = v.bounds[(ih - 1) * 2]! + v.bounds[(ih - 1) * 2 + 1]!;
    const tmp = needH
      ? resampleHorizontal(src, rowFirst, rowLast - rowFirst, precomputeCoeffs(src.width, outWidth, x0, iw, filter))
      : copyWindow(src, x0, rowFirst, iw, rowLast - rowFirst);
    inner = resampleVertical(tmp, iw, v, rowFirst);
  } else if (needH) {
    inner = resampleHorizontal(src, y0, ih, precomputeCoeffs(src.width, outWidth, x0, iw, filter));
  } else {
    inner = copyWindow(src, x0, y0, iw, ih);
  }

  if (iw === box.width && ih === box.height) {
    result.data = inner;
    return result;
  }
  const dst = result.data;
  const rowBytes = iw * 3;
  for (let y = 0; y < ih; y++) {
    const d = ((y0 - box.top + y) * box.width + (x0 - box.left)) * 3;
    dst.set(inner.subarray(y * rowBytes, (y + 1) * rowBytes), d);
  }
  return result;
}

/**
 * `PIL.Image.resize((outWidth, outHeight), Image.BILINEAR)` on an RGB image,
 * byte-for-byte (Pillow 7+ semantics: the filter widens with the downscale
 * factor, i.e. antialiased).
 */
export function resizeBilinearPIL(src: RgbImage, outWidth: number, outHeight: number): RgbImage {
  return resizeAndCropSource({ ...src, channels: 3 }, outWidth, outHeight, { left: 0, top: 0, width: outWidth, height: outHeight });
}

/**
 * `PIL.Image.resize((outWidth, outHeight), Image.BICUBIC)` on an RGB image, byte-for-byte
 * (Keys' cubic with a = -0.5, widened with the downscale factor like bilinear). Its
 * negative lobes overshoot at edges; PIL clamps to 0..255 after each pass, and so do we.
 */
export function resizeBicubicPIL(src: RgbImage, outWidth: number, outHeight: number): RgbImage {
  return resizeAndCropSource({ ...src, channels: 3 }, outWidth, outHeight, { left: 0, top: 0, width: outWidth, height: outHeight }, 'bicubic');
}

/**
 * `PIL resize(outWidth, outHeight, filter)` followed by a crop to `box`, but only
 * the window is resampled. Exact because each output pixel of PIL's resample depends
 * only on its own row/column taps, not on its neighbours' results.
 */
export function resizeAndCropPIL(src: RgbImage, outWidth: number, outHeight: number, box: CropBox, filter: ResampleFilter = 'bilinear'): RgbImage {
  return resizeAndCropSource({ ...src, channels: 3 }, outWidth, outHeight, box, filter);
}

