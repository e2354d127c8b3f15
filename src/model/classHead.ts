/**
 * Finds a classifier head that the class evidence map can split exactly (CAM, Zhou et al.
 * 2016): global average pooling of a feature map A [K, H, W] → optional LayerNorm over the
 * K channels → Linear to the class logits. Works on any parsed ONNX graph, so foreign models
 * (torchvision ResNet and ConvNeXt, the Hub's ConvNeXt) are found by the same pattern:
 *
 *   GlobalAveragePool | ReduceMean(axes H,W)
 *     → (Transpose | Flatten | Reshape | Squeeze | Identity | Dropout)*
 *     → [LayerNormalization over the last axis]
 *     → (the same shape-only ops)*
 *     → Gemm | MatMul (+ Add bias)          = the logits
 *
 * Pure: the weights come through `weights`, which reads initializers by name
 * (onnxInitializers.ts in the worker, or a test's own reader).
 */
import type { OnnxNode, OnnxSummary } from './onnxProto';
import type { InitializerData } from './onnxInitializers';

export interface HeadNorm {
  gamma: Float32Array;
  beta: Float32Array;
  eps: number;
}

export interface ClassHead {
  /** Graph value of the feature map A that is pooled (NCHW [1, K, H, W]). */
  featureValue: string;
  /** Graph value of the logits. */
  logitsValue: string;
  channels: number;
  classes: number;
  norm: HeadNorm | null;
  /** Row-major [classes, channels]: row c is w_c. */
  weight: Float32Array;
  /** [classes] */
  bias: Float32Array;
}

export type HeadResult = { ok: true; head: ClassHead } | { ok: false; reason: string };

/** Ops that only reshape a [1, K, 1, 1] / [1, K] vector (or do nothing at inference). */
const SHAPE_ONLY = new Set(['Transpose', 'Flatten', 'Reshape', 'Squeeze', 'Unsqueeze', 'Identity', 'Dropout']);

type Weights = (names: ReadonlySet<string>) => Map<string, InitializerData>;

function fail(reason: string): HeadResult {
  return { ok: false, reason };
}

/** The node that produces `value`, skipping shape-only ops; also returns the value it consumed. */
function producerSkippingShapes(value: string, producers: Map<string, OnnxNode>): OnnxNode | null {
  let node = producers.get(value) ?? null;
  while (node && SHAPE_ONLY.has(node.opType) && node.domain === '') node = producers.get(node.inputs[0] ?? '') ?? null;
  return node;
}

function poolsHeightAndWidth(n: OnnxNode, initializerNames: Set<string>): boolean {
  if (n.opType === 'GlobalAveragePool') return true;
  if (n.opType !== 'ReduceMean') return false;
  // opset < 18: axes attribute; opset 18: a second input (a constant we cannot read here unless an initializer).
  const axes = n.ints.axes;
  if (axes) {
    const sorted = [...axes].sort((a, b) => a - b);
    return (sorted[0] === 2 && sorted[1] === 3 && sorted.length === 2) || (sorted[0] === -2 && sorted[1] === -1 && sorted.length === 2);
  }
  return n.inputs.length === 2 && initializerNames.has(n.inputs[1]!) ? true : false;
}

/**
 * The exact-head pattern ending in `logitsValue`, with its weights; or why it does not fit.
 * `initializerNames` lists the graph's initializers (weights can only come from those).
 */
export function findClassHead(summary: OnnxSummary, logitsValue: string, weights: Weights): HeadResult {
  const producers = new Map<string, OnnxNode>();
  for (const n of summary.nodes) for (const o of n.outputs) producers.set(o, n);
  const last = producers.get(logitsValue);
  if (!last) return fail(`no node produces the logits "${logitsValue}"`);

  // Linear: Gemm(X, W, C) or Add(MatMul(X, W), b) in either order.
  let linearInput: string;
  let weightName: string;
  let biasName: string | null;
  let transB = 0;
  let alpha = 1;
  let beta = 1;
  if (last.opType === 'Gemm') {
    if ((last.scalars?.transA ?? 0) !== 0) return fail('the final Gemm transposes its input');
    linearInput = last.inputs[0]!;
    weightName = last.inputs[1]!;
    biasName = last.inputs[2] || null;
    transB = last.scalars?.transB ?? 0;
    alpha = last.scalars?.alpha ?? 1;
    beta = last.scalars?.beta ?? 1;
  } else if (last.opType === 'Add' || last.opType === 'MatMul') {
    const matmul = last.opType === 'MatMul' ? last : last.inputs.map((i) => producers.get(i)).find((p) => p?.opType === 'MatMul');
    if (!matmul) return fail(`the logits come from ${last.opType}, not from a Linear layer`);
    linearInput = matmul.inputs[0]!;
    weightName = matmul.inputs[1]!;
    biasName = last.opType === 'Add' ? (last.inputs.find((i) => i !== matmul.outputs[0]) ?? null) : null;
  } else {
    return fail(`the logits come from ${last.opType}, not from a Linear layer`);
  }

  // Optional LayerNorm, then the pooling.
  let node = producerSkippingShapes(linearInput, producers);
  let normNode: OnnxNode | null = null;
  if (node?.opType === 'LayerNormalization') {
    normNode = node;
    node = producerSkippingShapes(node.inputs[0]!, producers);
  }
  const initializerNames = new Set<string>();
  // Every value no node produces and no graph input names is an initializer (or missing).
  const inputNames = new Set(summary.inputs.map((i) => i.name));
  for (const n of summary.nodes) for (const i of n.inputs) if (i && !producers.has(i) && !inputNames.has(i)) initializerNames.add(i);
  if (!node || !poolsHeightAndWidth(node, initializerNames)) {
    return fail(node ? `the Linear layer is fed by ${node.opType}, not by global average pooling${normNode ? ' and LayerNorm' : ''}` : 'the Linear layer has no pooled input');
  }
  const featureValue = node.inputs[0]!;

  // Exporters share equal weights through Identity nodes (every LayerNorm weight of 1s is one
  // tensor) and store float16 weights behind a Cast: follow both back to the stored tensor.
  const stored = (name: string): string => {
    let n = producers.get(name);
    while (n && (n.opType === 'Identity' || n.opType === 'Cast') && n.inputs[0]) {
      name = n.inputs[0];
      n = producers.get(name);
    }
    return name;
  };
  const names = [weightName, ...(biasName ? [biasName] : []), ...(normNode ? normNode.inputs.slice(1, 3).filter(Boolean) : [])];
  const read = weights(new Set(names.map(stored)));
  const data = new Map(names.flatMap((n) => (read.has(stored(n)) ? [[n, read.get(stored(n))!] as const] : [])));
  const w = data.get(weightName);
  if (!w || w.dims.length !== 2) return fail('the Linear weight is not a stored 2-D float tensor');
  // Gemm transB=1 and torch's Linear store [classes, channels]; MatMul and Gemm transB=0 store [channels, classes].
  const [classes, channels] = transB ? [w.dims[0]!, w.dims[1]!] : [w.dims[1]!, w.dims[0]!];
  const weight = new Float32Array(classes * channels);
  for (let c = 0; c < classes; c++) {
    for (let k = 0; k < channels; k++) weight[c * channels + k] = alpha * (transB ? w.data[c * channels + k]! : w.data[k * classes + c]!);
  }
  const bias = new Float32Array(classes);
  if (biasName) {
    const b = data.get(biasName);
    if (!b || (b.data.length !== classes && b.data.length !== 1)) return fail('the Linear bias is not a stored float tensor of one value per class');
    for (let c = 0; c < classes; c++) bias[c] = beta * b.data[b.data.length === 1 ? 0 : c]!;
  }
  let norm: HeadNorm | null = null;
  if (normNode) {
    const axis = normNode.scalars?.axis ?? -1;
    if (axis !== -1 && axis !== 1) return fail(`the LayerNorm normalises over axis ${axis}, not over the channels`);
    const gamma = data.get(normNode.inputs[1] ?? '');
    const betaT = normNode.inputs[2] ? data.get(normNode.inputs[2]) : undefined;
    if (!gamma || gamma.data.length !== channels) return fail('the LayerNorm weight is not a stored float tensor of one value per channel');
    if (normNode.inputs[2] && (!betaT || betaT.data.length !== channels)) return fail('the LayerNorm bias is not a stored float tensor of one value per channel');
    norm = { gamma: gamma.data, beta: betaT ? betaT.data : new Float32Array(channels), eps: normNode.scalars?.epsilon ?? 1e-5 };
  }
  return { ok: true, head: { featureValue, logitsValue, channels, classes, norm, weight, bias } };
}
