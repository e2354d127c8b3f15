/**
 * Which operation made a tap's values, read from the ONNX graph: the op, the graph values
 * just before it (what the worker adds as extra outputs) and the names of its weights.
 *
 * A tap is an NCHW map; the op behind it may work channel-last (ConvNeXt's LayerNorm and
 * GELU run between two Transposes), so the output is followed back through Transpose, Cast
 * and Identity, and every input carries the layout it is indexed in. Composite patterns are
 * recognised as the one op they stand for: a decomposed channels-first LayerNorm
 * (transformers), x·½(1+erf(x/√2)) (GELU), x·sigmoid(x) (SiLU), Add(bias, MatMul) (Linear),
 * Add(skip, γ·branch) (residual with layer scale). Anything else is 'other': the op's name
 * and its inputs, never a made-up formula.
 */
import type { OnnxNode, OnnxSummary } from '../model/onnxProto';

export type Layout = 'NCHW' | 'NHWC';

/** A graph value and how a (channel, row, column) position is found in it. */
export interface ValueRef {
  value: string;
  layout: Layout;
}

export type ActivationFn = 'ReLU' | 'GELU' | 'SiLU' | 'Sigmoid' | 'Tanh' | 'HardSigmoid' | 'HardSwish' | 'LeakyReLU' | 'ELU' | 'Softplus' | 'Clip';

/** One summand of a residual add: a value, optionally times a per-channel constant (layer scale); or a constant alone. */
export type AddTerm = { ref: ValueRef; scale: string | null } | { constant: string };

interface PlanBase {
  /** The ONNX op (or pattern) shown to the student, e.g. "Conv", "LayerNormalization", "GELU (Erf pattern)". */
  op: string;
  /** The node whose output this is. */
  node: string;
}

export type ExplainPlan = PlanBase &
  (
    | { kind: 'conv'; input: ValueRef; weight: string; bias: string | null; kernel: [number, number]; strides: [number, number]; pads: [number, number, number, number]; dilations: [number, number]; group: number }
    | { kind: 'layernorm'; input: ValueRef; gamma: string | null; beta: string | null; eps: number | string }
    /** weight [K, N] (MatMul, Gemm transB 0) or [N, K] (Gemm transB 1). */
    | { kind: 'linear'; input: ValueRef; weight: string; transB: boolean; bias: string | null }
    | { kind: 'activation'; fn: ActivationFn; input: ValueRef; params: Record<string, number | string> }
    | { kind: 'add'; terms: AddTerm[] }
    /** ConvNeXt V2's global response normalisation: x + γ·(x·N) + β, N = ‖x‖₂ over H, W / (its mean over channels + eps). */
    | { kind: 'grn'; input: ValueRef; gamma: string; beta: string; eps: string }
    | { kind: 'pool'; pool: 'mean-all' | 'max' | 'average'; input: ValueRef; kernel: [number, number]; strides: [number, number]; pads: [number, number, number, number]; dilations: [number, number] }
    /** The class score: the head found by src/model/classHead.ts (it carries its own weights). */
    | { kind: 'class-score' }
    | { kind: 'other'; inputs: ValueRef[]; output: ValueRef }
  );

/** A constant's name: an initializer, or a Constant node's output (the caller's `isConstant`). */
export interface GraphIndex {
  producers: Map<string, OnnxNode>;
  isConstant: (value: string) => boolean;
  /** The stored name behind a constant (Cast/Identity of an initializer followed back). */
  stored: (value: string) => string;
}

export function indexGraph(summary: OnnxSummary): GraphIndex {
  const producers = new Map<string, OnnxNode>();
  for (const n of summary.nodes) for (const o of n.outputs) producers.set(o, n);
  const inputs = new Set(summary.inputs.map((i) => i.name));
  const stored = (value: string): string => {
    let v = value;
    for (let n = producers.get(v); n && (n.opType === 'Cast' || n.opType === 'Identity') && n.inputs[0]; n = producers.get(v)) v = n.inputs[0];
    return v;
  };
  const isConstant = (value: string): boolean => {
    const s = stored(value);
    const p = producers.get(s);
    return p ? p.opType === 'Constant' : !inputs.has(s) && s !== '';
  };
  return { producers, isConstant, stored };
}

function pair(v: number[] | undefined, fallback: number): [number, number] {
  return [v?.[0] ?? fallback, v?.[1] ?? v?.[0] ?? fallback];
}

function quad(v: number[] | undefined): [number, number, number, number] {
  return v && v.length === 4 ? [v[0]!, v[1]!, v[2]!, v[3]!] : [0, 0, 0, 0];
}

/** Follows a value back through Cast/Identity and layout-switching Transposes. */
export function through(g: GraphIndex, ref: ValueRef): ValueRef {
  let { value, layout } = ref;
  for (;;) {
    const n = g.producers.get(value);
    if (!n || !n.inputs[0]) return { value, layout };
    const perm = n.ints.perm?.join(',');
    if (n.opType === 'Cast' || n.opType === 'Identity') value = n.inputs[0];
    else if (n.opType === 'Transpose' && perm === '0,3,1,2' && layout === 'NCHW') [value, layout] = [n.inputs[0], 'NHWC'];
    else if (n.opType === 'Transpose' && perm === '0,2,3,1' && layout === 'NHWC') [value, layout] = [n.inputs[0], 'NCHW'];
    else return { value, layout };
  }
}

const SIMPLE_ACTIVATIONS: Record<string, ActivationFn> = {
  Relu: 'ReLU', Sigmoid: 'Sigmoid', Tanh: 'Tanh', HardSigmoid: 'HardSigmoid', HardSwish: 'HardSwish',
  LeakyRelu: 'LeakyReLU', Elu: 'ELU', Softplus: 'Softplus', Gelu: 'GELU', Clip: 'Clip',
};

/** x·½(1+erf(x/√2)) in any order of its Muls: the x it is applied to, or null. */
function erfGelu(g: GraphIndex, n: OnnxNode): string | null {
  if (n.opType !== 'Mul') return null;
  const muls: OnnxNode[] = [];
  const stack = [n];
  let erf: OnnxNode | null = null;
  // The pattern is at most four nodes deep: Mul, Mul, Add, Erf (then Div).
  for (let depth = 0; stack.length > 0 && depth < 8; depth++) {
    const m = stack.pop()!;
    if (m.opType === 'Mul') muls.push(m);
    if (m.opType === 'Erf') erf = m;
    else if (m.opType === 'Mul' || m.opType === 'Add') for (const i of m.inputs) if (!g.isConstant(i)) stack.push(...[g.producers.get(i)].filter((p): p is OnnxNode => !!p));
  }
  const div = erf ? g.producers.get(erf.inputs[0] ?? '') : undefined;
  const x = div?.opType === 'Div' ? div.inputs[0] : undefined;
  return x && muls.some((m) => m.inputs.includes(x)) ? x : null;
}

function activationPlan(g: GraphIndex, n: OnnxNode, layout: Layout): ExplainPlan | null {
  const simple = SIMPLE_ACTIVATIONS[n.opType];
  if (simple && n.domain === '') {
    const params: Record<string, number | string> = { ...(n.scalars ?? {}) };
    if (n.opType === 'Clip') {
      if (n.inputs[1]) params.min = n.inputs[1];
      if (n.inputs[2]) params.max = n.inputs[2];
    }
    if (n.opType === 'Gelu' && n.ints.approximate) return null; // the tanh form is not written out here
    return { kind: 'activation', op: n.opType, node: n.name, fn: simple, input: { value: n.inputs[0]!, layout }, params };
  }
  if (n.opType !== 'Mul') return null;
  const x = erfGelu(g, n);
  if (x) return { kind: 'activation', op: 'GELU (x·½(1+erf(x/√2)))', node: n.name, fn: 'GELU', input: { value: x, layout }, params: {} };
  const [a, b] = n.inputs as [string, string];
  for (const [v, gate] of [[a, b], [b, a]] as const) {
    const p = g.producers.get(gate);
    if (p?.opType === 'Sigmoid' && p.inputs[0] === v) return { kind: 'activation', op: 'SiLU (x·sigmoid(x))', node: n.name, fn: 'SiLU', input: { value: v, layout }, params: {} };
  }
  return null;
}

/** A LayerNorm over the channels written out (transformers): ((x − mean) / √(var + eps)) · γ + β. */
function decomposedLayerNorm(g: GraphIndex, last: OnnxNode): ExplainPlan | null {
  let n: OnnxNode | undefined = last;
  let beta: string | null = null;
  let gamma: string | null = null;
  const constIn = (m: OnnxNode) => m.inputs.find((i) => g.isConstant(i)) ?? null;
  const otherIn = (m: OnnxNode) => m.inputs.find((i) => !g.isConstant(i)) ?? '';
  if (n.opType === 'Add' && constIn(n)) [beta, n] = [constIn(n), g.producers.get(otherIn(n))];
  if (n?.opType === 'Mul' && constIn(n)) [gamma, n] = [constIn(n), g.producers.get(otherIn(n))];
  if (n?.opType !== 'Div') return null;
  const sqrt = g.producers.get(n.inputs[1] ?? '');
  const add = sqrt?.opType === 'Sqrt' ? g.producers.get(sqrt.inputs[0] ?? '') : undefined;
  const eps = add?.opType === 'Add' ? constIn(add) : null;
  const sub = g.producers.get(n.inputs[0] ?? '');
  const mean = sub?.opType === 'Sub' ? g.producers.get(sub.inputs[1] ?? '') : undefined;
  if (!eps || mean?.opType !== 'ReduceMean' || mean.ints.axes?.join(',') !== '1') return null;
  return { kind: 'layernorm', op: 'LayerNorm (written out: ReduceMean, Sub, Pow, Sqrt, Div)', node: last.name, input: { value: sub!.inputs[0]!, layout: 'NCHW' }, gamma, beta, eps };
}

const sameAxes = (n: OnnxNode | undefined, ...accepted: string[]) => !!n && accepted.includes(n.ints.axes?.join(',') ?? '');

/** GRN written out: Add(Add(Mul(Mul(x, Div(g, Add(ReduceMean(g), eps))), γ), β), x), g = ReduceL2(x) over H, W. */
function grnPlan(g: GraphIndex, n: OnnxNode, layout: Layout): ExplainPlan | null {
  const constIn = (m: OnnxNode | undefined) => m?.inputs.find((i) => g.isConstant(i)) ?? null;
  const otherIn = (m: OnnxNode) => m.inputs.find((i) => !g.isConstant(i)) ?? '';
  for (const [x, y] of [n.inputs, [...n.inputs].reverse()] as [string, string][]) {
    const addBias = g.producers.get(y);
    const beta = addBias?.opType === 'Add' ? constIn(addBias) : null;
    const mulGamma = beta ? g.producers.get(otherIn(addBias!)) : undefined;
    const gamma = mulGamma?.opType === 'Mul' ? constIn(mulGamma) : null;
    const mulX = gamma ? g.producers.get(otherIn(mulGamma!)) : undefined;
    if (!beta || !gamma || mulX?.opType !== 'Mul' || !mulX.inputs.includes(x)) continue;
    const div = g.producers.get(mulX.inputs.find((i) => i !== x) ?? '');
    const l2 = g.producers.get(div?.inputs[0] ?? '');
    const addEps = g.producers.get(div?.inputs[1] ?? '');
    const mean = addEps?.opType === 'Add' ? g.producers.get(otherIn(addEps)) : undefined;
    const eps = constIn(addEps);
    const [hw, c] = layout === 'NCHW' ? [['2,3', '-2,-1'], ['1', '-3']] : [['1,2'], ['3', '-1']];
    if (div?.opType !== 'Div' || l2?.opType !== 'ReduceL2' || l2.inputs[0] !== x || !sameAxes(l2, ...hw) || mean?.opType !== 'ReduceMean' || mean.inputs[0] !== l2.outputs[0] || !sameAxes(mean, ...c) || !eps) continue;
    return { kind: 'grn', op: 'GRN (ReduceL2, ReduceMean, Div, Mul, Add)', node: n.name, input: { value: x, layout }, gamma, beta, eps };
  }
  return null;
}

function addPlan(g: GraphIndex, n: OnnxNode, layout: Layout): ExplainPlan {
  // Add(bias, MatMul(x, W)): a Linear layer.
  const bias = n.inputs.find((i) => g.isConstant(i));
  const mm = n.inputs.map((i) => g.producers.get(i)).find((p) => p?.opType === 'MatMul');
  if (bias && mm && g.isConstant(mm.inputs[1] ?? '') && n.inputs.length === 2) {
    return { kind: 'linear', op: 'MatMul + Add (Linear)', node: n.name, input: { value: mm.inputs[0]!, layout }, weight: mm.inputs[1]!, transB: false, bias };
  }
  const terms: AddTerm[] = n.inputs.map((i) => {
    if (g.isConstant(i)) return { constant: i };
    const src = through(g, { value: i, layout });
    const mul = g.producers.get(src.value);
    const scale = mul?.opType === 'Mul' && mul.inputs.length === 2 ? mul.inputs.find((x) => g.isConstant(x)) : undefined;
    const other = mul?.inputs.find((x) => x !== scale);
    return scale && other ? { ref: { value: other, layout: src.layout }, scale } : { ref: { value: i, layout }, scale: null };
  });
  return { kind: 'add', op: 'Add', node: n.name, terms };
}

/**
 * The plan for the graph value `value`, an NCHW map (or in `layout`), or [N] class scores
 * when `isLogits` (the class-score plan, whose head classHead.ts finds).
 */
export function planExplanation(summary: OnnxSummary, value: string, options: { isLogits?: boolean; layout?: Layout } = {}): ExplainPlan {
  const g = indexGraph(summary);
  const isLogits = options.isLogits ?? false;
  const out = through(g, { value, layout: options.layout ?? 'NCHW' });
  const n = g.producers.get(out.value);
  if (!n) return { kind: 'other', op: 'graph input', node: '', inputs: [], output: out };
  if (isLogits) return { kind: 'class-score', op: n.opType, node: n.name };
  const L = out.layout;
  const attrs = n.ints;
  if (n.opType === 'Conv' && n.domain === '' && g.isConstant(n.inputs[1] ?? '') && (!n.inputs[2] || g.isConstant(n.inputs[2]))) {
    const autoPad = attrs.auto_pad;
    if (!autoPad) {
      return {
        kind: 'conv', op: 'Conv', node: n.name, input: { value: n.inputs[0]!, layout: 'NCHW' }, weight: n.inputs[1]!, bias: n.inputs[2] || null,
        kernel: pair(attrs.kernel_shape, 1), strides: pair(attrs.strides, 1), pads: quad(attrs.pads), dilations: pair(attrs.dilations, 1), group: attrs.group?.[0] ?? 1,
      };
    }
  }
  if (n.opType === 'LayerNormalization' && L === 'NHWC' && [-1, 3].includes(n.scalars?.axis ?? -1)) {
    return { kind: 'layernorm', op: 'LayerNormalization', node: n.name, input: { value: n.inputs[0]!, layout: 'NHWC' }, gamma: n.inputs[1] || null, beta: n.inputs[2] || null, eps: n.scalars?.epsilon ?? 1e-5 };
  }
  const ln = L === 'NCHW' ? decomposedLayerNorm(g, n) : null;
  if (ln) return ln;
  const act = activationPlan(g, n, L);
  if (act) return act;
  if (n.opType === 'Add' && n.inputs.length === 2) return grnPlan(g, n, L) ?? addPlan(g, n, L);
  if (n.opType === 'MatMul' && g.isConstant(n.inputs[1] ?? '') && L === 'NHWC') {
    return { kind: 'linear', op: 'MatMul', node: n.name, input: { value: n.inputs[0]!, layout: L }, weight: n.inputs[1]!, transB: false, bias: null };
  }
  if (n.opType === 'Gemm' && g.isConstant(n.inputs[1] ?? '') && !n.scalars?.transA && (n.scalars?.alpha ?? 1) === 1 && (n.scalars?.beta ?? 1) === 1) {
    const bias = n.inputs[2] && g.isConstant(n.inputs[2]) ? n.inputs[2] : null;
    if (!n.inputs[2] || bias) return { kind: 'linear', op: 'Gemm', node: n.name, input: { value: n.inputs[0]!, layout: L }, weight: n.inputs[1]!, transB: (n.scalars?.transB ?? 0) === 1, bias };
  }
  if (n.opType === 'GlobalAveragePool' || n.opType === 'MaxPool' || n.opType === 'AveragePool') {
    const global = n.opType === 'GlobalAveragePool';
    if (!global && (attrs.auto_pad || attrs.ceil_mode?.[0] || (n.opType === 'AveragePool' && attrs.count_include_pad?.[0]))) return other(g, n, out);
    return {
      kind: 'pool', op: n.opType, node: n.name, pool: global ? 'mean-all' : n.opType === 'MaxPool' ? 'max' : 'average', input: { value: n.inputs[0]!, layout: 'NCHW' },
      kernel: pair(attrs.kernel_shape, 1), strides: pair(attrs.strides, 1), pads: quad(attrs.pads), dilations: pair(attrs.dilations, 1),
    };
  }
  return other(g, n, out);
}

function other(g: GraphIndex, n: OnnxNode, output: ValueRef): ExplainPlan {
  const inputs = n.inputs.filter((i) => i && !g.isConstant(i)).map((value) => ({ value, layout: output.layout }));
  return { kind: 'other', op: n.opType, node: n.name, inputs, output };
}

/** Graph values the explanation needs from a run (the tensors just before the op), besides the tap itself. */
export function valuesNeeded(plan: ExplainPlan): string[] {
  switch (plan.kind) {
    case 'conv':
    case 'layernorm':
    case 'linear':
    case 'activation':
    case 'pool':
    case 'grn':
      return [plan.input.value];
    case 'add':
      return plan.terms.flatMap((t) => ('ref' in t ? [t.ref.value] : []));
    case 'other':
      return [...plan.inputs.map((i) => i.value), plan.output.value];
    case 'class-score':
      return [];
  }
}

/** Constants the explanation reads (weights, biases, γ, β, eps, bounds), as named in the graph. */
export function constantsNeeded(plan: ExplainPlan): string[] {
  const names: (string | null)[] = [];
  if (plan.kind === 'conv' || plan.kind === 'linear') names.push(plan.weight, plan.bias);
  if (plan.kind === 'layernorm') names.push(plan.gamma, plan.beta, typeof plan.eps === 'string' ? plan.eps : null);
  if (plan.kind === 'grn') names.push(plan.gamma, plan.beta, plan.eps);
  if (plan.kind === 'add') for (const t of plan.terms) names.push('ref' in t ? t.scale : t.constant);
  if (plan.kind === 'activation') for (const v of Object.values(plan.params)) if (typeof v === 'string') names.push(v);
  return [...new Set(names.filter((n): n is string => !!n))];
}
