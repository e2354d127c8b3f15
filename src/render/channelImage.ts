import { tensorDims, type LayerTensor, type ValueRange } from './types';

/**
 * Uint32 views of LUTs, cached so the per-tile cost is one WeakMap lookup.
 * Copying whole 32-bit words from the LUT to the pixel buffer keeps the
 * bytes in RGBA order on any endianness, so no byte swapping is needed.
 */
const lut32Cache = new WeakMap<Uint8ClampedArray, Uint32Array>();

function lut32Of(lut: Uint8ClampedArray): Uint32Array {
  let v = lut32Cache.get(lut);
  if (v) return v;
  if (lut.length < 1024) throw new Error(`Colour LUT must have 256 RGBA entries (1024 bytes), got ${lut.length}`);
  if (lut.byteOffset % 4 === 0) {
    v = new Uint32Array(lut.buffer, lut.byteOffset, 256);
  } else {
    v = new Uint32Array(256);
    new Uint8Array(v.buffer).set(lut.subarray(0, 1024));
  }
  lut32Cache.set(lut, v);
  return v;
}

/** Word view of the output; falls back to a scratch copy when the caller's buffer is misaligned. */
function out32Of(out: Uint8ClampedArray, pixels: number): Uint32Array | null {
  return out.byteOffset % 4 === 0 ? new Uint32Array(out.buffer, out.byteOffset, pixels) : null;
}

function checkOut(out: Uint8ClampedArray, pixels: number): void {
  if (out.length < pixels * 4) {
    throw new RangeError(`Output buffer holds ${out.length} bytes, needs ${pixels * 4} (RGBA for ${pixels} pixels)`);
  }
}

function channelOffset(tensor: LayerTensor, channel: number): { offset: number; height: number; width: number } {
  const { channels, height, width } = tensorDims(tensor);
  if (!Number.isInteger(channel) || channel < 0 || channel >= channels) {
    throw new RangeError(`Channel ${channel} out of range for layer "${tensor.name}" with ${channels} channels`);
  }
  return { offset: channel * height * width, height, width };
}

/** 255/span, or 0 for a degenerate or non-finite range so every pixel gets index 0 instead of NaN. */
function scaleOf(range: ValueRange): number {
  const span = range.max - range.min;
  return span > 0 && Number.isFinite(span) ? 255 / span : 0;
}

/**
 * Core loop shared by the tile renderers. `x >= 255` is tested before the
 * `| 0` truncation because out-of-range values (shared ranges) can exceed
 * 2^31 and would wrap; NaN fails both comparisons and lands on index 0.
 */
function mapValues(
  out: Uint8ClampedArray,
  values: Float32Array,
  offset: number,
  count: number,
  min: number,
  scale: number,
  lut: Uint8ClampedArray,
): void {
  const lut32 = lut32Of(lut);
  const out32 = out32Of(out, count);
  if (out32) {
    for (let i = 0; i < count; i++) {
      const x = (values[offset + i]! - min) * scale + 0.5;
      out32[i] = lut32[x >= 255 ? 255 : x > 0 ? x | 0 : 0]!;
    }
    return;
  }
  for (let i = 0, o = 0; i < count; i++, o += 4) {
    const x = (values[offset + i]! - min) * scale + 0.5;
    const k = (x >= 255 ? 255 : x > 0 ? x | 0 : 0) * 4;
    out[o] = lut[k]!;
    out[o + 1] = lut[k + 1]!;
    out[o + 2] = lut[k + 2]!;
    out[o + 3] = lut[k + 3]!;
  }
}

/**
 * Draws one channel at native resolution (W×H pixels, row-major RGBA) with
 * index = clamp(round((v - min) / (max - min) * 255)). This is the per-tile
 * hot path on every slider tick, hence no allocation beyond two typed-array views.
 */
export function renderChannel(
  out: Uint8ClampedArray,
  tensor: LayerTensor,
  channel: number,
  range: ValueRange,
  lut: Uint8ClampedArray,
): void {
  const { offset, height, width } = channelOffset(tensor, channel);
  const pixels = height * width;
  checkOut(out, pixels);
  mapValues(out, tensor.data, offset, pixels, range.min, scaleOf(range), lut);
}

/** Same mapping for any flat map (e.g. `meanMap` output) that is not a tensor channel. */
export function renderMap(out: Uint8ClampedArray, values: Float32Array, range: ValueRange, lut: Uint8ClampedArray): void {
  checkOut(out, values.length);
  mapValues(out, values, 0, values.length, range.min, scaleOf(range), lut);
}

/** Source index for each output column/row; integer factors give exactly equal blocks. */
function nearestIndex(outSize: number, srcSize: number): Int32Array {
  const idx = new Int32Array(outSize);
  for (let o = 0; o < outSize; o++) idx[o] = Math.min(srcSize - 1, Math.floor((o * srcSize) / outSize));
  return idx;
}

/**
 * Nearest-neighbour upscale for exports and the detail view: blocky on
 * purpose, since smoothing would invent activations that were never computed.
 */
export function renderChannelUpscaled(
  out: Uint8ClampedArray,
  outW: number,
  outH: number,
  tensor: LayerTensor,
  channel: number,
  range: ValueRange,
  lut: Uint8ClampedArray,
): void {
  const { offset, height, width } = channelOffset(tensor, channel);
  checkOut(out, outW * outH);
  if (outW <= 0 || outH <= 0 || width === 0 || height === 0) return;
  const data = tensor.data;
  const min = range.min;
  const scale = scaleOf(range);
  const lut32 = lut32Of(lut);
  const xs = nearestIndex(outW, width);
  const ys = nearestIndex(outH, height);
  // Map each source pixel once, then replicate words; upscaling is the common case.
  const row = new Uint32Array(outW);
  const srcRow = new Uint32Array(width);
  const out32 = out32Of(out, outW * outH);
  const out8 = out32 ? null : new Uint8Array(out.buffer, out.byteOffset, outW * outH * 4);
  let prevY = -1;
  for (let oy = 0; oy < outH; oy++) {
    const sy = ys[oy]!;
    if (sy !== prevY) {
      const base = offset + sy * width;
      for (let x = 0; x < width; x++) {
        const v = (data[base + x]! - min) * scale + 0.5;
        srcRow[x] = lut32[v >= 255 ? 255 : v > 0 ? v | 0 : 0]!;
      }
      for (let ox = 0; ox < outW; ox++) row[ox] = srcRow[xs[ox]!]!;
      prevY = sy;
    }
    if (out32) out32.set(row, oy * outW);
    else out8!.set(new Uint8Array(row.buffer), oy * outW * 4);
  }
}

export type OverlayInterpolation = 'nearest' | 'bilinear';

export interface OverlayOptions {
  /** Overall opacity 0..1 (default 0.5). */
  alpha?: number;
  /** 'bilinear' (default) suits a photo overlay; 'nearest' shows the true receptive-field grid. */
  interpolation?: OverlayInterpolation;
  /**
   * Scale opacity by the normalised value so weak responses fade out and the
   * photo stays visible where the layer is quiet (default false).
   */
  alphaFromValue?: boolean;
}

/**
 * RGBA overlay of a low-resolution map (typically `meanMap`) stretched to the
 * photo's display size. Bilinear sampling interpolates values before the LUT
 * (interpolating colours would pass through hues the map never uses) and uses
 * pixel-centre alignment so the map is not shifted by half a cell.
 */
export function renderMeanOverlay(
  out: Uint8ClampedArray,
  outW: number,
  outH: number,
  map: Float32Array,
  mapW: number,
  mapH: number,
  range: ValueRange,
  lut: Uint8ClampedArray,
  options: OverlayOptions = {},
): void {
  if (map.length < mapW * mapH) throw new RangeError(`Map has ${map.length} values, expected ${mapW}×${mapH}`);
  checkOut(out, outW * outH);
  if (outW <= 0 || outH <= 0 || mapW <= 0 || mapH <= 0) return;
  const alpha = Math.max(0, Math.min(1, options.alpha ?? 0.5));
  const bilinear = (options.interpolation ?? 'bilinear') === 'bilinear';
  const byValue = options.alphaFromValue ?? false;
  const min = range.min;
  const scale = scaleOf(range);
  const a255 = alpha * 255;

  const axis = (outSize: number, srcSize: number): [Int32Array, Int32Array, Float32Array] => {
    const i0 = new Int32Array(outSize);
    const i1 = new Int32Array(outSize);
    const f = new Float32Array(outSize);
    for (let o = 0; o < outSize; o++) {
      if (!bilinear) {
        i0[o] = i1[o] = Math.min(srcSize - 1, Math.floor((o * srcSize) / outSize));
        continue;
      }
      let s = ((o + 0.5) * srcSize) / outSize - 0.5;
      if (s < 0) s = 0;
      if (s > srcSize - 1) s = srcSize - 1;
      const a = Math.floor(s);
      i0[o] = a;
      i1[o] = Math.min(srcSize - 1, a + 1);
      f[o] = s - a;
    }
    return [i0, i1, f];
  };
  const [x0s, x1s, fxs] = axis(outW, mapW);
  const [y0s, y1s, fys] = axis(outH, mapH);

  let o = 0;
  for (let oy = 0; oy < outH; oy++) {
    const r0 = y0s[oy]! * mapW;
    const r1 = y1s[oy]! * mapW;
    const fy = fys[oy]!;
    for (let ox = 0; ox < outW; ox++, o += 4) {
      const xa = x0s[ox]!;
      const xb = x1s[ox]!;
      const fx = fxs[ox]!;
      const top = map[r0 + xa]! + (map[r0 + xb]! - map[r0 + xa]!) * fx;
      const bottom = map[r1 + xa]! + (map[r1 + xb]! - map[r1 + xa]!) * fx;
      const v = top + (bottom - top) * fy;
      const x = (v - min) * scale + 0.5;
      const idx = x >= 255 ? 255 : x > 0 ? x | 0 : 0;
      const k = idx * 4;
      out[o] = lut[k]!;
      out[o + 1] = lut[k + 1]!;
      out[o + 2] = lut[k + 2]!;
      out[o + 3] = byValue ? (a255 * idx) / 255 : a255;
    }
  }
}
