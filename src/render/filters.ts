/**
 * A layer's weights as pictures, the way the Filters view draws them. Pure: weights in,
 * pixels out, like channelImage.ts.
 *
 * Three pictures, chosen by the weight's shape:
 *  - 'rgb': a convolution on the three colour channels (the stem): each filter is a small
 *    RGB picture, one pixel per kernel position. Every weight w maps to 127.5 + 127.5·w/m in
 *    its colour channel, with m the largest |w| of the whole layer: mid-grey is 0 on all three
 *    inputs, a red pixel weighs the red input up and the others down, and all filters share
 *    the one scale, so a faint filter looks faint. (model/stem_filters_png.py stretches each
 *    filter by its own maximum and removes its mean first; that hides the colour detectors,
 *    whose mean is the point, so the page keeps the weights as they are.)
 *  - 'kernels': a depthwise convolution (one input channel per filter): each k×k kernel is a
 *    tile in the diverging colour map (blue −, white 0, red +), symmetric around 0 with the
 *    same m for every tile.
 *  - 'matrix': a linear layer, a 1×1 convolution or any other convolution, as one heat map
 *    of outputs × inputs (a k×k convolution's row is its kernel flattened: input channel,
 *    then kernel row, then column), in the same diverging colour map.
 */
import { LUT_SIZE } from './colormaps';
import type { LayerWeights } from '../model/layerWeights';

export type FilterKind = 'rgb' | 'kernels' | 'matrix';

export interface FilterLayout {
  kind: FilterKind;
  /** Output channels: tiles, or heat map rows. */
  outputs: number;
  /** 'rgb' and 'kernels': the kernel's height and width; 'matrix': 1 × inputs per row. */
  height: number;
  width: number;
  /** Values per output: 3·h·w ('rgb'), h·w ('kernels'), or the heat map's columns ('matrix'). */
  inputs: number;
  /** Row-major [outputs, inputs] in the op's own orientation (transposes applied). */
  values: Float32Array;
  /** Largest |w| of the layer: the one scale of every picture. */
  maxAbs: number;
}

/** `data` of `dims` permuted as ONNX Transpose(perm) would (the weight-side transposes of an exporter). */
export function transpose(data: Float32Array, dims: readonly number[], perm: readonly number[]): { data: Float32Array; dims: number[] } {
  const order = perm.length === dims.length ? perm : dims.map((_, i) => dims.length - 1 - i); // ONNX default: reverse
  const outDims = order.map((p) => dims[p]!);
  const inStrides = dims.map((_, i) => dims.slice(i + 1).reduce((a, b) => a * b, 1));
  const out = new Float32Array(data.length);
  const index = new Array<number>(dims.length).fill(0);
  for (let o = 0; o < out.length; o++) {
    let src = 0;
    for (let k = 0; k < order.length; k++) src += index[k]! * inStrides[order[k]!]!;
    out[o] = data[src]!;
    for (let k = order.length - 1; k >= 0; k--) {
      if (++index[k]! < outDims[k]!) break;
      index[k] = 0;
    }
  }
  return { data: out, dims: outDims };
}

function maxAbsOf(data: Float32Array): number {
  let m = 0;
  for (let i = 0; i < data.length; i++) {
    const a = Math.abs(data[i]!);
    if (a > m) m = a;
  }
  return m;
}

/** [rows, cols] stored as [cols, rows]: swapped into a new array. */
function swap2d(data: Float32Array, storedRows: number, storedCols: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let r = 0; r < storedRows; r++) for (let c = 0; c < storedCols; c++) out[c * storedRows + r] = data[r * storedCols + c]!;
  return out;
}

/** How the weight is drawn, or why it cannot be (the download still works). */
export function filterLayout(w: Pick<LayerWeights, 'opType' | 'dims' | 'data' | 'perms' | 'group' | 'transB' | 'weightSecond'>): FilterLayout | string {
  let { data, dims } = w;
  for (const perm of w.perms) ({ data, dims } = transpose(data, dims, perm));
  const maxAbs = maxAbsOf(data);
  if (w.opType === 'Conv') {
    if (dims.length !== 4) return `its ${dims.length}-D convolution weight is not drawn (only 2-D convolutions are)`;
    const [o, i, h, k] = dims as [number, number, number, number];
    if (i === 3 && w.group === 1) return { kind: 'rgb', outputs: o, height: h, width: k, inputs: 3 * h * k, values: data, maxAbs };
    if (i === 1 && h * k > 1) return { kind: 'kernels', outputs: o, height: h, width: k, inputs: h * k, values: data, maxAbs };
    return { kind: 'matrix', outputs: o, height: 1, width: i * h * k, inputs: i * h * k, values: data, maxAbs };
  }
  const lead = dims.slice(0, -2).reduce((a, b) => a * b, 1);
  if (dims.length < 2 || lead !== 1) return `its weight of shape ${dims.join('×')} is not a matrix`;
  const [r, c] = dims.slice(-2) as [number, number];
  // Stored [in, out] (MatMul x·W, Gemm without transB) or [out, in] (Gemm transB, torch's Linear, MatMul W·x).
  const outIn = w.opType === 'Gemm' ? w.transB : !w.weightSecond;
  const values = outIn ? data : swap2d(data, r, c);
  const [outputs, inputs] = outIn ? [r, c] : [c, r];
  return { kind: 'matrix', outputs, height: 1, width: inputs, inputs, values, maxAbs };
}

/** LUT index of w on a scale symmetric around 0 (±m → the two ends, 0 → the middle). */
function lutIndex(v: number, m: number): number {
  const t = m > 0 ? 0.5 + (0.5 * v) / m : 0.5;
  return Math.max(0, Math.min(LUT_SIZE - 1, Math.round(t * (LUT_SIZE - 1))));
}

/** One 'rgb' filter as height × width RGBA pixels (see the top of the file for the mapping). */
export function renderRgbFilter(out: Uint8ClampedArray, layout: FilterLayout, output: number): void {
  const { height, width, values, maxAbs } = layout;
  const plane = height * width;
  const base = output * 3 * plane;
  for (let p = 0; p < plane; p++) {
    for (let c = 0; c < 3; c++) {
      const v = values[base + c * plane + p]!;
      out[p * 4 + c] = maxAbs > 0 ? 127.5 + (127.5 * v) / maxAbs : 127.5;
    }
    out[p * 4 + 3] = 255;
  }
}

/** One 'kernels' tile as height × width RGBA pixels in `lut`. */
export function renderKernel(out: Uint8ClampedArray, layout: FilterLayout, output: number, lut: Uint8ClampedArray): void {
  const n = layout.height * layout.width;
  const base = output * n;
  for (let p = 0; p < n; p++) {
    const k = lutIndex(layout.values[base + p]!, layout.maxAbs) * 4;
    out[p * 4] = lut[k]!;
    out[p * 4 + 1] = lut[k + 1]!;
    out[p * 4 + 2] = lut[k + 2]!;
    out[p * 4 + 3] = 255;
  }
}

/** The whole 'matrix' as outputs × inputs RGBA pixels (row = output) in `lut`. */
export function renderMatrix(out: Uint8ClampedArray, layout: FilterLayout, lut: Uint8ClampedArray): void {
  const { values, maxAbs } = layout;
  const scale = maxAbs > 0 ? (0.5 * (LUT_SIZE - 1)) / maxAbs : 0;
  const mid = 0.5 * (LUT_SIZE - 1);
  // One 32-bit word per pixel, copied whole from the LUT (byte order kept either way): a
  // 384×1536 layer is 590k values, drawn within the bench's 100 ms.
  const words = new Uint32Array(out.buffer, out.byteOffset, values.length);
  const colours = new Uint32Array(lut.buffer, lut.byteOffset, LUT_SIZE);
  for (let i = 0; i < values.length; i++) {
    const t = Math.round(mid + values[i]! * scale);
    words[i] = colours[t < 0 ? 0 : t > LUT_SIZE - 1 ? LUT_SIZE - 1 : t]!;
  }
}

/** One filter's weights as tables for the text alternative: one per input colour, or one. */
export function filterTables(layout: FilterLayout, output: number): { caption: string; rows: number[][] }[] {
  const { kind, height, width, inputs, values } = layout;
  const slice = values.subarray(output * inputs, (output + 1) * inputs);
  const grid = (from: number, h: number, w: number): number[][] =>
    Array.from({ length: h }, (_, y) => Array.from(slice.subarray(from + y * w, from + (y + 1) * w)));
  if (kind === 'rgb') return ['red', 'green', 'blue'].map((c, i) => ({ caption: `on the ${c} input`, rows: grid(i * height * width, height, width) }));
  if (kind === 'kernels') return [{ caption: 'kernel', rows: grid(0, height, width) }];
  // A weight row, 16 per line so that a 1536-wide row stays a readable table.
  const perLine = Math.min(16, inputs);
  return [{ caption: `row: inputs 0 to ${inputs - 1}, ${perLine} per line`, rows: grid(0, Math.ceil(inputs / perLine), perLine) }];
}
