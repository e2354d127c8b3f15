/**
 * Occlusion (Zeiler & Fergus 2014), the pure part: where the patches go, how they are
 * grouped into batches, and how one occluded input is written.
 *
 * A P×P square slides with stride S over the model's size×size input crop; patch (i, j)
 * covers rows i·S … i·S+P−1 and columns j·S … j·S+P−1, for i, j = 0 … n−1 with
 * n = floor((size − P) / S) + 1 (224, 32, 16 → 13). The covered pixels are set to 0 in
 * normalised space, i.e. to the mean colour. Map value (i, j) = logit(original) −
 * logit(occluded): positive where covering the patch lowers the class score.
 */
import type { InputLayout } from '../model/manifest';

export interface OcclusionGrid {
  /** Patch side and stride in input pixels, as used (P clamped to the crop). */
  patch: number;
  stride: number;
  /** Patches per side: the map is rows × cols = n × n. */
  rows: number;
  cols: number;
}

export const DEFAULT_PATCH = 32;
export const DEFAULT_STRIDE = 16;
/** Occluded inputs per session.run where the batch dimension is dynamic. */
export const MAX_BATCH = 8;

export function occlusionGrid(size: number, patch: number, stride: number): OcclusionGrid {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`The input size must be a positive integer, not ${size}`);
  if (!Number.isInteger(patch) || patch < 1) throw new RangeError(`The patch size must be a whole number of pixels ≥ 1, not ${patch}`);
  if (!Number.isInteger(stride) || stride < 1) throw new RangeError(`The stride must be a whole number of pixels ≥ 1, not ${stride}`);
  const p = Math.min(patch, size);
  const n = Math.floor((size - p) / stride) + 1;
  return { patch: p, stride, rows: n, cols: n };
}

/** [start, end) ranges of patch indices (row-major), one per session.run. */
export function occlusionBatches(count: number, dynamicBatch: boolean, maxBatch = MAX_BATCH): [number, number][] {
  const size = dynamicBatch ? Math.max(1, maxBatch) : 1;
  const out: [number, number][] = [];
  for (let start = 0; start < count; start += size) out.push([start, Math.min(count, start + size)]);
  return out;
}

/**
 * Writes the normalised input `base` (one image, [3,size,size] NCHW or [size,size,3] NHWC)
 * into `out` at image slot `slot`, with patch `index` of `grid` set to 0.
 */
export function writeOccluded(out: Float32Array, slot: number, base: Float32Array, size: number, layout: InputLayout, grid: OcclusionGrid, index: number): void {
  const per = 3 * size * size;
  if (base.length !== per) throw new RangeError(`The input has ${base.length} values, expected ${per}`);
  const offset = slot * per;
  out.set(base, offset);
  const y0 = Math.floor(index / grid.cols) * grid.stride;
  const x0 = (index % grid.cols) * grid.stride;
  const y1 = Math.min(size, y0 + grid.patch);
  const x1 = Math.min(size, x0 + grid.patch);
  for (let y = y0; y < y1; y++) {
    if (layout === 'NCHW') {
      for (let c = 0; c < 3; c++) out.fill(0, offset + c * size * size + y * size + x0, offset + c * size * size + y * size + x1);
    } else {
      out.fill(0, offset + (y * size + x0) * 3, offset + (y * size + x1) * 3);
    }
  }
}
