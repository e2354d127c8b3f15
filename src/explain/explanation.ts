/**
 * What "How this value is computed" shows, as plain data: tables of numbers (every number is
 * text in the page, never only a picture), the terms that add up to the value, and the value.
 * Also the shared helpers to read one position of a tensor.
 */
import type { Layout } from './explainPlan';

/** A tensor as a run hands it back (dims include the batch dimension for graph values). */
export interface Tensor {
  dims: readonly number[];
  data: Float32Array;
}

/** One output value: its channel, row and column in the tap's [C, H, W] map (row = col = 0 for vectors). */
export interface Position {
  channel: number;
  row: number;
  col: number;
}

/** A cell: a number, or a short text (a channel name, "0 (padding)"). */
export type Cell = number | string;

export interface ExplainTable {
  caption: string;
  columns: string[];
  rows: Cell[][];
  /** A kernel-shaped grid (rows = kernel rows); the first column is not a header. */
  grid?: boolean;
}

export interface Curve {
  fn: string;
  /** The function sampled over a range around x. */
  points: [number, number][];
  x: number;
  y: number;
}

export interface Explanation {
  /** "Convolution", "LayerNorm", "Activation: GELU", … */
  title: string;
  /** The ONNX op or pattern, and its node. */
  op: string;
  node: string;
  /** The formula in words and symbols, e.g. "y = Σ x·w + b". */
  formula: string;
  /** Intermediate values in order ("mean", "variance", …). */
  steps: { label: string; value: number }[];
  tables: ExplainTable[];
  /** The shown terms; they add up to `value`. */
  terms: { label: string; value: number }[];
  value: number;
  /** Sum of the magnitudes behind the value (|products|, |x|): the scale float32 rounding is relative to. */
  scale: number;
  curve?: Curve;
  /** A sentence for ops that are not written out. */
  note?: string;
}

/** How many of a long list of terms are listed before "the other N" are summed into one. */
export const TOP_TERMS = 10;

/** The value at (channel, row, col) of a graph value in `layout`; size-1 axes broadcast. */
export function valueAt(t: Tensor, layout: Layout, p: Position): number {
  const d = t.dims;
  if (d.length === 4) {
    const [C, H, W] = layout === 'NCHW' ? [d[1]!, d[2]!, d[3]!] : [d[3]!, d[1]!, d[2]!];
    const c = C === 1 ? 0 : p.channel;
    const y = H === 1 ? 0 : p.row;
    const x = W === 1 ? 0 : p.col;
    if (c >= C || y >= H || x >= W) throw new RangeError(`position ${p.channel},${p.row},${p.col} is outside [${d.join(', ')}]`);
    return layout === 'NCHW' ? t.data[(c * H + y) * W + x]! : t.data[(y * W + x) * C + c]!;
  }
  const n = d.at(-1) ?? 1;
  return t.data[n === 1 ? 0 : p.channel]!;
}

/** A per-channel constant ([C], [C,1,1], [1,C,1,1], [1,1,1,C]) or a scalar, at channel c. */
export function channelConstant(t: Tensor, c: number): number {
  return t.data.length === 1 ? t.data[0]! : t.data[c]!;
}

/** Sorts terms by magnitude, keeps the first `top` and sums the rest into one labelled term. */
export function largestFirst(terms: { label: string; value: number }[], top = TOP_TERMS, rest = (n: number) => `the other ${n}`): { label: string; value: number }[] {
  const sorted = [...terms].sort((a, b) => Math.abs(b.value) - Math.abs(a.value));
  if (sorted.length <= top + 1) return sorted;
  const shown = sorted.slice(0, top);
  const others = sorted.slice(top);
  return [...shown, { label: rest(others.length), value: others.reduce((s, t) => s + t.value, 0) }];
}

export function sum(values: readonly number[]): number {
  return values.reduce((s, v) => s + v, 0);
}

/** A number as the page writes it: 6 significant digits, no trailing zeros. */
export function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e6 || a < 1e-4) return v.toExponential(5).replace(/\.?0+e/, 'e');
  return String(Number(v.toPrecision(6)));
}
