/**
 * Which tensors of a foreign ONNX graph are worth showing, and what to call them.
 *
 * A value is shown when it is the output of a convolution, activation, normalisation,
 * residual Add or pooling AND is a channel-first (NCHW) map. ONNX files carry no
 * shapes for inner values, and shape inference is not available in the browser, so
 * layout is propagated through the graph instead: Conv/pool/batch-norm outputs are
 * NCHW by the ONNX spec, element-wise ops keep their input's layout, and a Transpose
 * with perm [0,2,3,1] / [0,3,1,2] switches it. That leaves out the channel-last inner
 * tensors of ConvNeXt blocks (LayerNorm, Linear, GELU after a permute), which would
 * otherwise be drawn with height and channels swapped. The real dims come from the
 * first run (deriveManifest.ts), and anything that turns out not to be 4-D is dropped.
 */
import { findChannelsFirstNorms } from './graphLayerNorm';
import type { InputLayout, TapKind } from './manifest';
import type { OnnxNode, OnnxSummary } from './onnxProto';

export interface TapCandidate {
  /** Graph value name: what is added as a graph output and fetched. */
  value: string;
  /** Producing node name, e.g. "/layer1/layer1.0/relu/Relu". */
  node: string;
  /** Op type shown to users: "Relu", "Conv", "SiLU" for the x*sigmoid(x) pair. */
  op: string;
  kind: TapKind;
  /** Unique display name from the node's module path, e.g. "layer1.0.relu". */
  name: string;
  /** A Conv's `group` attribute (channels per group = C / group; depthwise when group == C). */
  group?: number;
}

const KIND_OF_OP: Record<string, TapKind> = {
  Conv: 'conv',
  ConvTranspose: 'conv',
  BatchNormalization: 'norm',
  InstanceNormalization: 'norm',
  LayerNormalization: 'norm',
  GroupNormalization: 'norm',
  LRN: 'norm',
  Relu: 'activation',
  LeakyRelu: 'activation',
  PRelu: 'activation',
  Elu: 'activation',
  Selu: 'activation',
  Celu: 'activation',
  Sigmoid: 'activation',
  HardSigmoid: 'activation',
  HardSwish: 'activation',
  Tanh: 'activation',
  Softplus: 'activation',
  Clip: 'activation',
  Gelu: 'activation',
  Mish: 'activation',
  Add: 'add',
  Sum: 'add',
  MaxPool: 'pool',
  AveragePool: 'pool',
  GlobalAveragePool: 'pool',
  GlobalMaxPool: 'pool',
  LpPool: 'pool',
};

/** Ops whose (first) output is NCHW whatever the input, by the ONNX operator spec. */
const NCHW_BY_SPEC = new Set([
  'Conv', 'ConvTranspose', 'BatchNormalization', 'InstanceNormalization', 'GroupNormalization', 'LRN',
  'MaxPool', 'AveragePool', 'GlobalAveragePool', 'GlobalMaxPool', 'LpPool', 'DepthToSpace', 'SpaceToDepth',
]);

/** Ops whose output has the layout of their inputs (element-wise, or shape-keeping). */
const KEEPS_LAYOUT = new Set([
  'Relu', 'LeakyRelu', 'PRelu', 'Elu', 'Selu', 'Celu', 'Sigmoid', 'HardSigmoid', 'HardSwish', 'Tanh', 'Softplus',
  'Softsign', 'Clip', 'Gelu', 'Erf', 'Mish', 'Add', 'Sub', 'Mul', 'Div', 'Pow', 'Sqrt', 'Max', 'Min', 'Sum', 'Neg',
  'Abs', 'Exp', 'Identity', 'Dropout', 'Cast', 'Concat', 'Pad', 'Resize', 'Upsample', 'LayerNormalization',
]);

/** "/layer1/layer1.0/relu/Relu" -> "layer1.0.relu"; "/features/features.0/features.0.0/Conv" -> "features.0.0". */
export function modulePathOfNode(nodeName: string): string {
  // torch scopes: a segment is a child's attribute name ("conv1"), or, inside a
  // Sequential/ModuleList, the container's segment extended by the index ("block" ->
  // "block.0" -> "block.0.0"), which replaces that segment. The last segment is the op.
  const segments = nodeName.split('/').filter((s) => s.length > 0).slice(0, -1);
  let path = '';
  let last = '';
  for (const seg of segments) {
    path = last && seg.startsWith(`${last}.`) ? path.slice(0, path.length - last.length) + seg : path ? `${path}.${seg}` : seg;
    last = seg;
  }
  return path;
}

function sameArray(a: number[] | undefined, b: number[]): boolean {
  return !!a && a.length === b.length && a.every((v, i) => v === b[i]);
}

function propagateLayouts(nodes: readonly OnnxNode[], input: { name: string; layout: InputLayout }): Set<string> {
  const nchw = new Set<string>();
  const nhwc = new Set<string>();
  (input.layout === 'NCHW' ? nchw : nhwc).add(input.name);
  for (const n of nodes) {
    const out = n.outputs[0];
    if (!out) continue;
    if (NCHW_BY_SPEC.has(n.opType) && n.domain === '') {
      nchw.add(out);
    } else if (n.opType === 'Transpose') {
      const from = n.inputs[0] ?? '';
      if (nhwc.has(from) && sameArray(n.ints.perm, [0, 3, 1, 2])) nchw.add(out);
      else if (nchw.has(from) && sameArray(n.ints.perm, [0, 2, 3, 1])) nhwc.add(out);
    } else if (KEEPS_LAYOUT.has(n.opType)) {
      if (n.inputs.some((i) => nchw.has(i))) nchw.add(out);
      else if (n.inputs.some((i) => nhwc.has(i))) nhwc.add(out);
    } else if (n.opType === 'MatMul' && n.inputs.some((i) => nhwc.has(i))) {
      nhwc.add(out); // a Linear over the channel-last axis keeps the layout
    }
  }
  return nchw;
}

/** x * sigmoid(x) (SiLU/Swish) and x * hardsigmoid(x) (old HardSwish exports) show as one activation. */
function gatedActivation(n: OnnxNode, producers: Map<string, OnnxNode>): string | null {
  if (n.opType !== 'Mul' || n.inputs.length !== 2) return null;
  const [a, b] = n.inputs as [string, string];
  for (const [x, gate] of [[a, b], [b, a]] as const) {
    const g = producers.get(gate);
    if (g && g.inputs[0] === x && g.opType === 'Sigmoid') return 'SiLU';
    if (g && g.inputs[0] === x && g.opType === 'HardSigmoid') return 'HardSwish';
  }
  return null;
}

/**
 * The graph's showable NCHW values in graph order, uniquely named. Original graph
 * outputs are left out (they are fetched anyway; the first is treated as the logits).
 */
export function findTapCandidates(summary: OnnxSummary, input: { name: string; layout: InputLayout }): TapCandidate[] {
  const nchw = propagateLayouts(summary.nodes, input);
  const producers = new Map<string, OnnxNode>();
  for (const n of summary.nodes) for (const o of n.outputs) producers.set(o, n);
  const graphOutputs = new Set(summary.outputs.map((o) => o.name));
  const gates = new Set<string>();
  const found: Omit<TapCandidate, 'name'>[] = [];
  // A channels-first LayerNorm is one tap (its last node's output), named after its module.
  const norms = new Map(findChannelsFirstNorms(summary.nodes).map((ln) => [ln.output, ln.node]));
  for (const n of summary.nodes) {
    const value = n.outputs[0];
    if (!value || !nchw.has(value) || graphOutputs.has(value) || n.domain !== '') continue;
    const norm = norms.get(value);
    if (norm) {
      found.push({ value, node: norm.name, op: 'LayerNorm', kind: 'norm' });
      continue;
    }
    const gated = gatedActivation(n, producers);
    if (gated) {
      found.push({ value, node: n.name, op: gated, kind: 'activation' });
      for (const i of n.inputs) if (producers.get(i)?.opType.endsWith('Sigmoid')) gates.add(i);
      continue;
    }
    const kind = KIND_OF_OP[n.opType];
    const group = n.opType === 'Conv' ? n.ints.group?.[0] : undefined;
    if (kind) found.push({ value, node: n.name, op: n.opType, kind, ...(group !== undefined && group > 1 ? { group } : {}) });
  }
  // The sigmoid half of a SiLU is a gate, not a feature map worth its own entry.
  return uniqueNames(found.filter((c) => !gates.has(c.value)));
}

function uniqueNames(found: Omit<TapCandidate, 'name'>[]): TapCandidate[] {
  const taken = new Set<string>();
  return found.map((c) => {
    const base = modulePathOfNode(c.node) || c.node || c.value;
    let name = base;
    if (taken.has(name)) name = `${base} (${c.op})`;
    for (let k = 2; taken.has(name); k++) name = `${base} (${c.op} ${k})`;
    taken.add(name);
    return { ...c, name };
  });
}
