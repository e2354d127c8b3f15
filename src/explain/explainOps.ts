/**
 * One output value of the per-position ops: LayerNorm over the channels, a Linear layer
 * (MatMul / Gemm), an activation, a residual add (with layer scale), the class score, and
 * the fallback that only names an op it does not write out.
 */
import type { ClassHead } from '../model/classHead';
import { activation, activationCurve, activationFormula, normalCdf } from './activations';
import type { ExplainPlan, ValueRef } from './explainPlan';
import { channelConstant, formatNumber, largestFirst, sum, valueAt, type ExplainTable, type Explanation, type Position, type Tensor } from './explanation';

type Plan<K extends ExplainPlan['kind']> = Extract<ExplainPlan, { kind: K }>;

/** The C values at one position (all channels) of a map in either layout. */
export function channelVector(t: Tensor, ref: ValueRef, p: Position): Float32Array {
  const d = t.dims;
  const C = ref.layout === 'NCHW' ? d[1]! : d.at(-1)!;
  return Float32Array.from({ length: C }, (_, c) => valueAt(t, ref.layout, { ...p, channel: c }));
}

export function explainLayerNorm(plan: Plan<'layernorm'>, x: Tensor, gamma: Tensor | null, beta: Tensor | null, eps: number, p: Position): Explanation {
  const v = channelVector(x, plan.input, p);
  const C = v.length;
  const mean = sum(Array.from(v)) / C;
  const variance = sum(Array.from(v, (a) => (a - mean) ** 2)) / C;
  const xc = v[p.channel]!;
  const normalised = (xc - mean) / Math.sqrt(variance + eps);
  const g = gamma ? channelConstant(gamma, p.channel) : 1;
  const b = beta ? channelConstant(beta, p.channel) : 0;
  const terms = [{ label: `normalised × γ = ${formatNumber(normalised)} × ${formatNumber(g)}`, value: normalised * g }, ...(beta ? [{ label: 'β', value: b }] : [])];
  return {
    title: `LayerNorm over the ${C} channels at this position`,
    op: plan.op,
    node: plan.node,
    formula: `y = (x − mean) / √(variance + eps) × γ + β, with mean and variance over the ${C} channels`,
    steps: [
      { label: `x (channel ${p.channel})`, value: xc },
      { label: 'mean', value: mean },
      { label: 'variance', value: variance },
      { label: 'eps', value: eps },
      { label: 'normalised (x − mean) / √(variance + eps)', value: normalised },
      { label: 'γ', value: g },
      { label: 'β', value: b },
    ],
    tables: [{ caption: `The ${C} values at row ${p.row}, column ${p.col}`, columns: ['channel', 'x'], rows: Array.from(v, (a, c) => [c, a]) }],
    terms,
    value: sum(terms.map((t) => t.value)),
    scale: Math.abs(normalised * g) + Math.abs(b),
  };
}

/** y = Σ_k x_k · W[k, n] + b_n: the dot product with the output's weight row, largest terms first. */
export function explainLinear(plan: Plan<'linear'>, x: Tensor, w: Tensor, b: Tensor | null, p: Position): Explanation {
  const v = channelVector(x, plan.input, p);
  const [r, c] = w.dims as [number, number];
  const K = plan.transB ? c : r;
  const N = plan.transB ? r : c;
  const weight = (k: number) => (plan.transB ? w.data[p.channel * K + k]! : w.data[k * N + p.channel]!);
  const products = Array.from({ length: K }, (_, k) => ({ label: `x${k} · w${k}`, value: v[k]! * weight(k) }));
  const shown = largestFirst(products);
  const bias = b ? channelConstant(b, p.channel) : 0;
  const terms = [...shown, ...(b ? [{ label: 'bias', value: bias }] : [])];
  const top = [...products.keys()].sort((a, b2) => Math.abs(products[b2]!.value) - Math.abs(products[a]!.value)).slice(0, 10);
  return {
    title: `Linear layer: ${K} inputs → output ${p.channel}`,
    op: plan.op,
    node: plan.node,
    formula: `y = Σ over the ${K} inputs of x·w${b ? ' + bias' : ''}`,
    steps: b ? [{ label: 'bias', value: bias }] : [],
    tables: [{ caption: `The ${top.length} largest products x·w`, columns: ['input', 'x', 'w', 'x·w'], rows: top.map((k) => [k, v[k]!, weight(k), products[k]!.value]) }],
    terms,
    value: sum(terms.map((t) => t.value)),
    scale: sum(products.map((t) => Math.abs(t.value))) + Math.abs(bias),
  };
}

export function explainActivation(plan: Plan<'activation'>, x: Tensor, params: Record<string, number>, p: Position): Explanation {
  const xv = valueAt(x, plan.input.layout, p);
  const y = activation(plan.fn, xv, params);
  const steps = [{ label: 'x', value: xv }];
  if (plan.fn === 'GELU') steps.push({ label: 'Φ(x) = ½(1 + erf(x/√2))', value: normalCdf(xv) });
  if (plan.fn === 'SiLU') steps.push({ label: 'sigmoid(x)', value: 1 / (1 + Math.exp(-xv)) });
  return {
    title: `Activation: ${plan.fn}`,
    op: plan.op,
    node: plan.node,
    formula: activationFormula(plan.fn, params),
    steps,
    tables: [],
    terms: [{ label: `${plan.fn}(${formatNumber(xv)})`, value: y }],
    value: y,
    scale: Math.abs(xv),
    curve: { fn: plan.fn, points: activationCurve(plan.fn, xv, params), x: xv, y },
  };
}

/** GRN at one position: the channel's L2 norm over the map, divided by the mean norm of all channels. */
export function explainGrn(plan: Plan<'grn'>, x: Tensor, gamma: Tensor, beta: Tensor, eps: number, p: Position): Explanation {
  const d = x.dims;
  const [C, H, W] = plan.input.layout === 'NCHW' ? [d[1]!, d[2]!, d[3]!] : [d[3]!, d[1]!, d[2]!];
  const norms = Array.from({ length: C }, (_, c) => {
    let s2 = 0;
    for (let r = 0; r < H; r++) for (let col = 0; col < W; col++) s2 += valueAt(x, plan.input.layout, { channel: c, row: r, col }) ** 2;
    return Math.sqrt(s2);
  });
  const meanNorm = sum(norms) / C;
  const n = norms[p.channel]! / (meanNorm + eps);
  const xv = valueAt(x, plan.input.layout, p);
  const g = channelConstant(gamma, p.channel);
  const b = channelConstant(beta, p.channel);
  const terms = [{ label: `γ · x · N = ${formatNumber(g)} × ${formatNumber(xv)} × ${formatNumber(n)}`, value: g * xv * n }, { label: 'β', value: b }, { label: 'x (kept)', value: xv }];
  return {
    title: 'Global response normalisation (GRN, ConvNeXt V2)',
    op: plan.op,
    node: plan.node,
    formula: `y = x + γ · (x · N) + β, N = ‖channel‖₂ over the ${H}×${W} map / (mean of the ${C} channels' norms + eps)`,
    steps: [
      { label: 'x', value: xv },
      { label: `‖channel ${p.channel}‖₂`, value: norms[p.channel]! },
      { label: 'mean norm', value: meanNorm },
      { label: 'eps', value: eps },
      { label: 'N', value: n },
      { label: 'γ', value: g },
      { label: 'β', value: b },
    ],
    tables: [{ caption: `The L2 norm of each of the ${C} channels over the map`, columns: ['channel', '‖x‖₂'], rows: norms.map((v, c) => [c, v]) }],
    terms,
    value: sum(terms.map((t) => t.value)),
    scale: sum(terms.map((t) => Math.abs(t.value))),
  };
}

export interface AddInput {
  label: string;
  value: number;
  scale?: number;
  scaled?: number;
}

export function explainAdd(plan: Plan<'add'>, values: AddInput[]): Explanation {
  const terms = values.map((v) => ({ label: v.scale === undefined ? v.label : `γ × ${v.label} = ${formatNumber(v.scale)} × ${formatNumber(v.scaled!)}`, value: v.value }));
  const scaled = values.some((v) => v.scale !== undefined);
  return {
    title: scaled ? 'Residual add with layer scale' : 'Add (residual connection)',
    op: plan.op,
    node: plan.node,
    formula: scaled ? 'y = block input + γ × branch output (γ: the layer scale of this channel)' : `y = ${values.map((v) => v.label).join(' + ')}`,
    steps: values.flatMap((v) => (v.scale === undefined ? [{ label: v.label, value: v.value }] : [{ label: v.label, value: v.scaled! }, { label: 'γ (layer scale)', value: v.scale }])),
    tables: [],
    terms,
    value: sum(terms.map((t) => t.value)),
    scale: sum(terms.map((t) => Math.abs(t.value))),
  };
}

/** The class score: mean over positions, the head's LayerNorm, weight row · pooled + bias. */
export function explainClassScore(plan: Plan<'class-score'>, head: ClassHead, features: Tensor, p: Position, label: string): Explanation {
  const [, K, H, W] = features.dims as [number, number, number, number];
  const pooled = Float32Array.from({ length: K }, (_, k) => sum(Array.from(features.data.subarray(k * H * W, (k + 1) * H * W))) / (H * W));
  let f = pooled;
  const steps: { label: string; value: number }[] = [];
  if (head.norm) {
    const mean = sum(Array.from(pooled)) / K;
    const variance = sum(Array.from(pooled, (a) => (a - mean) ** 2)) / K;
    const { gamma, beta, eps } = head.norm;
    f = Float32Array.from(pooled, (a, k) => ((a - mean) / Math.sqrt(variance + eps)) * gamma[k]! + beta[k]!);
    steps.push({ label: 'mean of the pooled features', value: mean }, { label: 'their variance', value: variance }, { label: 'eps', value: eps });
  }
  const w = head.weight.subarray(p.channel * K, (p.channel + 1) * K);
  const products = Array.from({ length: K }, (_, k) => ({ label: `feature ${k}: w · f`, value: w[k]! * f[k]! }));
  const bias = head.bias[p.channel]!;
  const terms = [...largestFirst(products, 10, (n) => `the other ${n} features`), { label: 'bias', value: bias }];
  const top = [...products.keys()].sort((a, b) => Math.abs(products[b]!.value) - Math.abs(products[a]!.value)).slice(0, 10);
  steps.push({ label: 'bias', value: bias });
  const rows = top.map((k) => [k, pooled[k]!, ...(head.norm ? [f[k]!] : []), w[k]!, products[k]!.value]);
  return {
    title: `Class score of “${label}”`,
    op: plan.op,
    node: plan.node,
    formula: `logit = Σ over the ${K} features of w · f + bias, where f = ${head.norm ? 'LayerNorm(' : ''}the mean of each channel over the ${H}×${W} positions${head.norm ? ')' : ''}`,
    steps,
    tables: [{ caption: `The ${top.length} largest contributions w · f`, columns: ['feature', `mean over ${H}×${W}`, ...(head.norm ? ['after LayerNorm (f)'] : []), 'w', 'w · f'], rows }],
    terms,
    value: sum(terms.map((t) => t.value)),
    scale: sum(products.map((t) => Math.abs(t.value))) + Math.abs(bias),
  };
}

/** An op that is not written out: which op it is, its inputs and its output at this position. */
export function explainOther(plan: Plan<'other'>, tensors: (name: string) => Tensor | undefined, p: Position): Explanation {
  const out = tensors(plan.output.value);
  const rows = plan.inputs.map((ref) => {
    const t = tensors(ref.value);
    const same = t && out && t.dims.join() === out.dims.join();
    return [ref.value, t ? `[${t.dims.join(', ')}]` : '?', same ? valueAt(t, ref.layout, p) : '(another shape)'];
  });
  const value = out ? valueAt(out, plan.output.layout, p) : NaN;
  const tables: ExplainTable[] = [{ caption: 'Inputs of the op', columns: ['graph value', 'shape', 'value at this position'], rows }];
  return {
    title: `${plan.op}: not written out here`,
    op: plan.op,
    node: plan.node,
    formula: `y = ${plan.op}(${plan.inputs.map((i) => i.value).join(', ')})`,
    steps: [],
    tables,
    terms: [{ label: `${plan.op} output`, value }],
    value,
    scale: Math.abs(value),
    note: `ConvLens does not write out the arithmetic of ${plan.op}; these are its inputs and its output at this position.`,
  };
}
