/**
 * Which stored weight made a layer: for a tapped graph value, the Conv, Gemm or MatMul whose
 * constant weight produced it, and the initializer that weight is read from. Pure, over a
 * parsed graph (onnxProto.ts); the worker reads the tensor itself (onnxInitializers.ts).
 *
 * A tap is rarely the op's own output: a bias Add, an activation (GELU written out as
 * Div, Erf, Add, Mul), a layer scale or a Transpose back to NCHW usually follow it. So the walk
 * goes back through element-wise ops and shape-only ops, skipping their constant inputs,
 * and asks that every path ends at the same weighted op. A residual Add has two sources (the
 * block's branch and its input) and so no weights of its own; neither have a pooling,
 * a LayerNorm or a graph input: the reason says which op made the value.
 *
 * On the weight's side exporters put a Cast (float16 stored, float32 computed), an Identity
 * (shared tensors), a Transpose or a Reshape between the initializer and the op: followed
 * back to the tensor that is stored in the file. A quantized model's DequantizeLinear is
 * followed too: its int8/uint8 weight, scale and zero point are stored, and the weights
 * shown are what the op computes from them, (q − zero point) × scale in float32.
 */
import type { OnnxNode, OnnxSummary } from './onnxProto';

export type WeightedOp = 'Conv' | 'Gemm' | 'MatMul';

export interface LayerWeightRef {
  /** The weighted node, its op type, and its name in the graph (e.g. "/block.3/MatMul"). */
  node: string;
  opType: WeightedOp;
  /** Op types between the weighted op's output and the tap, in data-flow order (e.g. Add, Div, Erf, Add, Mul, Mul, Transpose). */
  after: string[];
  /** Name of the stored initializer. */
  initializer: string;
  /** Op types from the initializer to the op's weight input, in data-flow order (e.g. Cast). */
  before: string[];
  /** Transpose perms on the weight's side, in data-flow order: the display applies them. */
  perms: number[][];
  /** Conv's group (1 otherwise). */
  group: number;
  /** Gemm's transB; MatMul: whether the weight is the second input (x·W, stored [in, out]). */
  transB: boolean;
  weightSecond: boolean;
  /** The DequantizeLinear on the weight's side, if any: the initializer is its int8/uint8 input. */
  dequantize?: { scale: string; zeroPoint: string | null; axis: number };
}

export type WeightLookup = { ok: true; ref: LayerWeightRef } | { ok: false; reason: string };

/** Ops that change no value's meaning per channel, or only reshape: the walk goes through them. */
const PASS_THROUGH = new Set([
  // shape-only
  'Transpose', 'Reshape', 'Flatten', 'Squeeze', 'Unsqueeze', 'Identity', 'Dropout', 'Cast',
  // element-wise (activations, bias, layer scale, GELU written out)
  'Add', 'Sub', 'Mul', 'Div', 'Pow', 'Sqrt', 'Erf', 'Tanh', 'Sigmoid', 'HardSigmoid', 'HardSwish', 'Relu', 'LeakyRelu',
  'PRelu', 'Elu', 'Selu', 'Gelu', 'Softplus', 'Clip', 'Neg', 'Abs', 'Exp', 'Log', 'Mish',
]);

/** Ops from a stored weight to the op that uses it. */
const WEIGHT_PATH = new Set(['Cast', 'Identity', 'Transpose', 'Reshape', 'Flatten', 'Squeeze', 'Unsqueeze', 'DequantizeLinear']);

/** Bound on the nodes visited from one tap: a walk through a whole network means the rules above are wrong. */
const MAX_STEPS = 200;

interface Graph {
  producers: Map<string, OnnxNode>;
  initializers: Set<string>;
  constant: (value: string) => boolean;
}

function graphOf(summary: OnnxSummary): Graph {
  const producers = new Map<string, OnnxNode>();
  for (const n of summary.nodes) for (const o of n.outputs) producers.set(o, n);
  const inputs = new Set(summary.inputs.map((i) => i.name));
  // Every value no node produces and no graph input names is an initializer (as in classHead.ts).
  const initializers = new Set<string>();
  for (const n of summary.nodes) for (const i of n.inputs) if (i && !producers.has(i) && !inputs.has(i)) initializers.add(i);
  const memo = new Map<string, boolean>();
  const constant = (value: string, depth = 0): boolean => {
    if (initializers.has(value)) return true;
    const known = memo.get(value);
    if (known !== undefined) return known;
    const p = producers.get(value);
    // A Constant node, or a node computed from constants only (a Cast of a stored float16).
    const result = !!p && depth < 32 && (p.opType === 'Constant' || (p.inputs.length > 0 && p.inputs.every((i) => !i || constant(i, depth + 1))));
    memo.set(value, result);
    return result;
  };
  return { producers, initializers, constant };
}

/** Index of the weight input of a weighted op, or null when it has no constant weight. */
function weightInput(n: OnnxNode, g: Graph): number | null {
  if (n.domain !== '' && n.domain !== 'ai.onnx') return null;
  if (n.opType === 'Conv' || n.opType === 'Gemm') return n.inputs[1] && g.constant(n.inputs[1]) ? 1 : null;
  if (n.opType === 'MatMul') {
    if (n.inputs[1] && g.constant(n.inputs[1])) return 1;
    if (n.inputs[0] && g.constant(n.inputs[0])) return 0;
  }
  return null;
}

function sourceWord(count: number): string {
  return count === 0 ? 'constants only' : `${count} different values`;
}

/** The weighted op behind `value` (a tap's graph value) and its stored weight, or why there is none. */
export function findLayerWeight(summary: OnnxSummary, value: string): WeightLookup {
  const g = graphOf(summary);
  const made = g.producers.get(value);
  if (!made) return { ok: false, reason: `no node of the graph makes "${value}" (it is a graph input or a stored constant), so it has no weights` };

  // Walk back to the sources: values made by a weighted op, or by an op we do not go through.
  const sources = new Set<string>();
  const passed: OnnxNode[] = [];
  const seen = new Set<string>();
  const stack = [value];
  let steps = 0;
  while (stack.length > 0) {
    const v = stack.pop()!;
    if (seen.has(v) || g.constant(v)) continue;
    seen.add(v);
    if (++steps > MAX_STEPS) return { ok: false, reason: `the graph around ${made.opType} is too tangled to trace back to one weighted op` };
    const p = g.producers.get(v);
    if (!p || weightInput(p, g) !== null || !PASS_THROUGH.has(p.opType) || p.domain !== '') {
      sources.add(v);
      continue;
    }
    passed.push(p);
    // Reshape's shape, Clip's bounds: only the first input carries data for shape-only ops.
    const data = p.opType === 'Reshape' || p.opType === 'Clip' ? p.inputs.slice(0, 1) : p.inputs;
    for (const i of data) if (i) stack.push(i);
  }
  if (sources.size !== 1) {
    return { ok: false, reason: `${made.opType} makes it from ${sourceWord(sources.size)}, with no weights of its own` };
  }
  const source = [...sources][0]!;
  const op = g.producers.get(source);
  const w = op ? weightInput(op, g) : null;
  if (!op || w === null) {
    const what = op ? `${op.opType}${op === made ? '' : ` (then ${made.opType})`}` : 'the graph input';
    return { ok: false, reason: `it is made by ${what}, which has no convolution or linear weights` };
  }

  // The weight's side: back to the stored tensor.
  let weight = op.inputs[w]!;
  const before: string[] = [];
  const perms: number[][] = [];
  let dq: LayerWeightRef['dequantize'];
  for (let p = g.producers.get(weight); p && WEIGHT_PATH.has(p.opType) && p.inputs[0]; p = g.producers.get(weight)) {
    before.unshift(p.opType);
    if (p.opType === 'Transpose') perms.unshift(p.ints.perm ?? []);
    if (p.opType === 'DequantizeLinear') {
      if (dq || !p.inputs[1] || !g.initializers.has(p.inputs[1])) break; // a scale computed in the graph: not followed
      dq = { scale: p.inputs[1], zeroPoint: p.inputs[2] || null, axis: p.scalars?.axis ?? 1 };
    }
    weight = p.inputs[0];
    if (before.length > 16) break;
  }
  if (!g.initializers.has(weight)) {
    const p = g.producers.get(weight);
    return { ok: false, reason: `the weight of ${op.opType} ${op.name} is computed by ${p?.opType ?? 'an unknown op'}, not stored in the file` };
  }
  const order = new Map(summary.nodes.map((n, i) => [n, i]));
  const after = passed.sort((a, b) => order.get(a)! - order.get(b)!).map((n) => n.opType);
  return {
    ok: true,
    ref: {
      node: op.name,
      opType: op.opType as WeightedOp,
      after,
      initializer: weight,
      before,
      perms,
      group: op.opType === 'Conv' ? (op.scalars?.group ?? 1) : 1,
      transB: op.opType === 'Gemm' ? (op.scalars?.transB ?? 0) !== 0 : false,
      weightSecond: w === 1,
      ...(dq ? { dequantize: dq } : {}),
    },
  };
}

/** A layer's stored weight as the worker posts it: where it comes from, and the tensor itself. */
export interface LayerWeights extends LayerWeightRef {
  /** The tap's graph value it was found for. */
  value: string;
  /** The initializer's shape as stored. */
  dims: number[];
  /** The initializer's values as stored (float16 widened to float32, exactly). */
  data: Float32Array;
}

export type LayerWeightsResult = { ok: true; weights: LayerWeights } | { ok: false; reason: string };

type Read = (names: ReadonlySet<string>, options?: { integers?: boolean }) => Map<string, { dims: number[]; data: Float32Array }>;

/** DequantizeLinear: (q − zero point) × scale, per tensor or per slice along `axis`, in float32 as onnxruntime computes it. */
export function dequantize(q: { dims: number[]; data: Float32Array }, scale: Float32Array, zeroPoint: Float32Array | null, axis: number): Float32Array | null {
  const rank = q.dims.length;
  const a = axis < 0 ? axis + rank : axis;
  const channels = scale.length === 1 ? 1 : (q.dims[a] ?? -1);
  if (channels !== scale.length || (zeroPoint && zeroPoint.length !== scale.length)) return null;
  const inner = scale.length === 1 ? q.data.length : q.dims.slice(a + 1).reduce((x, y) => x * y, 1);
  const out = new Float32Array(q.data.length);
  for (let i = 0; i < out.length; i++) {
    const c = scale.length === 1 ? 0 : Math.floor(i / inner) % channels;
    out[i] = Math.fround((q.data[i]! - (zeroPoint ? zeroPoint[c]! : 0)) * scale[c]!);
  }
  return out;
}

/** findLayerWeight, then the initializer read with `read` (readInitializers over the model's bytes). */
export function readLayerWeights(summary: OnnxSummary, value: string, read: Read): LayerWeightsResult {
  const found = findLayerWeight(summary, value);
  if (!found.ok) return found;
  const dq = found.ref.dequantize;
  let tensor = read(new Set([found.ref.initializer]), { integers: !!dq }).get(found.ref.initializer);
  if (tensor && dq) {
    const scale = read(new Set([dq.scale])).get(dq.scale);
    const zero = dq.zeroPoint ? read(new Set([dq.zeroPoint]), { integers: true }).get(dq.zeroPoint) : null;
    const data = scale && zero !== undefined ? dequantize(tensor, scale.data, zero?.data ?? null, dq.axis) : null;
    if (!data) return { ok: false, reason: `the quantized weight "${found.ref.initializer}" has a scale or zero point that does not fit its shape` };
    tensor = { dims: tensor.dims, data };
  }
  if (!tensor) {
    return { ok: false, reason: `the weight "${found.ref.initializer}" of ${found.ref.opType} ${found.ref.node} is not stored in the file as float32 or float16 (an external data file, or another number type)` };
  }
  return { ok: true, weights: { ...found.ref, value, dims: tensor.dims, data: tensor.data } };
}
