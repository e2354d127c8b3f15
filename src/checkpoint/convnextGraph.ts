/**
 * The ONNX graph of a ConvNeXt checkpoint (convnextSpec.ts), with every module's output as a
 * graph output named by its module path.
 *
 * Everything is computed in NCHW, whatever layout the upstream code uses: a Linear's
 * [out, in] weight is, byte for byte, a 1×1 convolution's [out, in, 1, 1], and a layer
 * scale or GRN parameter only needs new dims ([C] → [C, 1, 1]). So no weight is ever
 * transposed or copied element by element, and the taps of channels-last modules already
 * come out as C×H×W (the manifest marks them `channelsLast`). A LayerNorm over channels is
 * Transpose → LayerNormalization (opset 17) → Transpose, as transformers' channels-first
 * norm computes it; GELU is the exact erf form, which onnxruntime fuses into one Gelu.
 */
import type { ReceptiveField, TapKind } from '../model/manifest';
import { CONVNEXT_EPS, type BlockSpec, type ConvNextSpec } from './convnextSpec';
import type { Attribute, GraphNode, GraphValue, Initializer, OnnxGraph } from './onnxWriter';
import { CheckpointError, type WeightMap } from './types';

/** What the manifest needs to know of each tap, besides its words. */
export interface TapGeometry {
  name: string;
  kind: TapKind;
  /** 0 stem, 1.. stages, stages + 1 head. */
  stage: number;
  block: number | null;
  /** Batch left out: [C, H, W], or [classes] for logits. */
  shape: number[];
  receptiveField: ReceptiveField;
  channelsLast: boolean;
  /** The module inside a block this is: 'dwconv' | 'norm' | 'fc1' | 'act' | 'grn' | 'fc2'; null elsewhere. */
  role: 'dwconv' | 'norm' | 'fc1' | 'act' | 'grn' | 'fc2' | null;
  /** Kernel side of a convolution tap (the depthwise 7). */
  kernel?: number;
  /** fc2 only: the block scales its update (layer scale) before the residual add. */
  layerScale?: boolean;
}

export interface BuiltGraph {
  graph: OnnxGraph;
  taps: TapGeometry[];
  /** Number of classes, null for a backbone without classifier. */
  classes: number | null;
  /** Channel widths per stage and blocks per stage, as read from the weights. */
  widths: number[];
  depths: number[];
}

const shapeText = (s: readonly number[]): string => (s.length ? s.join('×') : 'a scalar');

class GraphAssembler {
  readonly nodes: GraphNode[] = [];
  readonly initializers: Initializer[] = [];
  private readonly constants = new Map<number, string>();
  private count = 0;

  constructor(private readonly weights: WeightMap, private readonly what: string) {}

  /** The weight `key`, checked against the shapes it may have, written with `dims`. */
  weight(key: string, accepted: readonly (readonly number[])[], dims: readonly number[] = accepted[0]!): string {
    const t = this.weights.get(key);
    if (!t) throw new CheckpointError(`The checkpoint has no tensor "${key}", which this ${this.what} needs.`);
    if (!accepted.some((a) => a.length === t.shape.length && a.every((d, i) => d === t.shape[i]))) {
      throw new CheckpointError(`The tensor "${key}" is ${shapeText(t.shape)}; this ${this.what} needs ${accepted.map(shapeText).join(' or ')}.`);
    }
    const count = t.shape.reduce((a, b) => a * b, 1);
    if (t.data.length !== count) throw new CheckpointError(`The tensor "${key}" should hold ${count} values but holds ${t.data.length}.`);
    this.initializers.push({ name: key, dims, data: t.data });
    return key;
  }

  /** The first dimension of a weight that must exist (widths are read from these). */
  dim(key: string, rank: number, axis = 0): number {
    const t = this.weights.get(key);
    if (!t) throw new CheckpointError(`The checkpoint has no tensor "${key}", which this ${this.what} needs.`);
    if (t.shape.length < rank) throw new CheckpointError(`The tensor "${key}" is ${shapeText(t.shape)}; this ${this.what} needs ${rank} dimensions there.`);
    return t.shape[axis]!;
  }

  scalar(value: number): string {
    let name = this.constants.get(value);
    if (!name) {
      name = `const_${this.constants.size}`;
      this.constants.set(value, name);
      this.initializers.push({ name, dims: [], data: new Float32Array([value]) });
    }
    return name;
  }

  op(op: string, inputs: readonly string[], output: string | null = null, attributes: readonly Attribute[] = []): string {
    const out = output ?? `${op.toLowerCase()}_${this.count}`;
    this.nodes.push({ op, inputs, outputs: [out], name: `${op}_${this.count++}`, attributes });
    return out;
  }

  /** LayerNorm over the channels of an NCHW tensor. */
  channelNorm(x: string, key: string, channels: number, eps: number, output: string): string {
    const scale = this.weight(`${key}.weight`, [[channels]]);
    const bias = this.weight(`${key}.bias`, [[channels]]);
    const nhwc = this.op('Transpose', [x], null, [{ name: 'perm', ints: [0, 2, 3, 1] }]);
    const normed = this.op('LayerNormalization', [nhwc, scale, bias], null, [{ name: 'axis', i: -1 }, { name: 'epsilon', f: eps }]);
    return this.op('Transpose', [normed], output, [{ name: 'perm', ints: [0, 3, 1, 2] }]);
  }

  conv(x: string, key: string, w: { out: number; in: number; k: number; stride: number; pad: number; group: number }, output: string, linear = false): string {
    const full = [w.out, w.in / w.group, w.k, w.k];
    // A Linear's [out, in] is a 1×1 conv's [out, in, 1, 1], byte for byte (timm's conv_mlp stores the latter).
    const weight = this.weight(`${key}.weight`, linear ? [[w.out, w.in], full] : [full], full);
    const bias = this.weight(`${key}.bias`, [[w.out]]);
    const pads = [w.pad, w.pad, w.pad, w.pad];
    return this.op('Conv', [x, weight, bias], output, [
      { name: 'kernel_shape', ints: [w.k, w.k] }, { name: 'strides', ints: [w.stride, w.stride] }, { name: 'pads', ints: pads }, { name: 'group', i: w.group },
    ]);
  }

  gelu(x: string, output: string): string {
    const scaled = this.op('Div', [x, this.scalar(Math.SQRT2)]);
    const erf = this.op('Erf', [scaled]);
    const plusOne = this.op('Add', [erf, this.scalar(1)]);
    const times = this.op('Mul', [x, plusOne]);
    return this.op('Mul', [times, this.scalar(0.5)], output);
  }

  /** ConvNeXt V2's GRN: x + weight * (x * N(x)) + bias, N(x) = |x|₂ over H, W / (its mean over channels + 1e-6). */
  grn(x: string, key: string, hidden: number, output: string): string {
    const weight = this.weight(`${key}.weight`, [[1, 1, 1, hidden], [hidden]], [1, hidden, 1, 1]);
    const bias = this.weight(`${key}.bias`, [[1, 1, 1, hidden], [hidden]], [1, hidden, 1, 1]);
    const global = this.op('ReduceL2', [x], null, [{ name: 'axes', ints: [2, 3] }, { name: 'keepdims', i: 1 }]);
    const mean = this.op('ReduceMean', [global], null, [{ name: 'axes', ints: [1] }, { name: 'keepdims', i: 1 }]);
    const norm = this.op('Div', [global, this.op('Add', [mean, this.scalar(1e-6)])]);
    const scaled = this.op('Mul', [this.op('Mul', [x, norm]), weight]);
    return this.op('Add', [this.op('Add', [scaled, bias]), x], output);
  }
}

/** Receptive field after a k×k, stride s, padding p convolution (the manifest's convention). */
function grow(rf: ReceptiveField, k: number, s: number, p: number): ReceptiveField {
  return { size: rf.size + (k - 1) * rf.stride, stride: rf.stride * s, offset: rf.offset + ((k - 1) / 2 - p) * rf.stride };
}

/** The graph for `spec` on a [1, 3, size, size] input named `inputName`. */
export function buildConvNextGraph(spec: ConvNextSpec, weights: WeightMap, inputName: string, size: number): BuiltGraph {
  const g = new GraphAssembler(weights, `${spec.recognisedAs} checkpoint`);
  const taps: TapGeometry[] = [];
  let rf: ReceptiveField = { size: 1, stride: 1, offset: 0.5 };
  let hw = size;
  let channels = g.dim(`${spec.stem.conv}.weight`, 4);
  const tap = (name: string, kind: TapKind, stage: number, block: number | null, c: number, channelsLast = false, role: TapGeometry['role'] = null, extra: Pick<TapGeometry, 'kernel' | 'layerScale'> = {}): void => {
    taps.push({ name, kind, stage, block, shape: [c, hw, hw], receptiveField: rf, channelsLast, role, ...extra });
  };

  const patch = g.dim(`${spec.stem.conv}.weight`, 4, 3);
  let x = g.conv(inputName, spec.stem.conv, { out: channels, in: 3, k: patch, stride: patch, pad: 0, group: 1 }, spec.stem.conv);
  rf = grow(rf, patch, patch, 0);
  hw = Math.floor((hw - patch) / patch) + 1;
  tap(spec.stem.conv, 'conv', 0, null, channels);
  x = g.channelNorm(x, spec.stem.norm, channels, CONVNEXT_EPS, spec.stem.norm);
  tap(spec.stem.norm, 'norm', 0, null, channels);

  const widths: number[] = [];
  spec.stages.forEach((stage, s) => {
    const place = s + 1;
    if (stage.downsample) {
      const { norm, conv } = stage.downsample;
      x = g.channelNorm(x, norm, channels, CONVNEXT_EPS, norm);
      tap(norm, 'norm', place, null, channels);
      const out = g.dim(`${conv}.weight`, 4);
      const k = g.dim(`${conv}.weight`, 4, 3);
      x = g.conv(x, conv, { out, in: channels, k, stride: k, pad: 0, group: 1 }, conv);
      rf = grow(rf, k, k, 0);
      hw = Math.floor((hw - k) / k) + 1;
      channels = out;
      tap(conv, 'downsample', place, null, channels);
    }
    if (hw < 1) throw new CheckpointError(`A ${size}×${size} input is too small for this network: stage ${place} would have no positions left.`);
    widths.push(channels);
    stage.blocks.forEach((b, i) => {
      x = block(g, b, x, channels, (name, kind, c, role, extra) => tap(name, kind, place, i, c, b.channelsLast && role !== 'dwconv' && role !== null, role, extra), (k) => {
        rf = grow(rf, k, 1, (k - 1) / 2);
      });
    });
  });

  const head = spec.stages.length + 1;
  const headTap = (name: string, kind: TapKind, shape: number[]): void => {
    taps.push({ name, kind, stage: head, block: null, shape, receptiveField: { size, stride: size, offset: size / 2 }, channelsLast: false, role: null });
  };
  const pooled = g.op('GlobalAveragePool', [x], spec.head.pool);
  if (spec.head.pool) headTap(spec.head.pool, 'pool', [channels, 1, 1]);
  const normed = g.channelNorm(pooled, spec.head.norm, channels, spec.head.normEps, spec.head.norm);
  headTap(spec.head.norm, 'norm', [channels, 1, 1]);
  let classes: number | null = null;
  if (spec.head.fc) {
    classes = g.dim(`${spec.head.fc}.weight`, 2);
    const flat = g.op('Flatten', [normed], null, [{ name: 'axis', i: 1 }]);
    const weight = g.weight(`${spec.head.fc}.weight`, [[classes, channels]]);
    const bias = g.weight(`${spec.head.fc}.bias`, [[classes]]);
    g.op('Gemm', [flat, weight, bias], spec.head.fc, [{ name: 'transB', i: 1 }]);
    headTap(spec.head.fc, 'logits', [classes]);
  }

  const outputs: GraphValue[] = taps.map((t) => ({ name: t.name, dims: [1, ...t.shape] }));
  return {
    graph: { name: spec.recognisedAs, nodes: g.nodes, initializers: g.initializers, inputs: [{ name: inputName, dims: [1, 3, size, size] }], outputs },
    taps,
    classes,
    widths,
    depths: spec.stages.map((s) => s.blocks.length),
  };
}

type BlockTap = (name: string, kind: TapKind, channels: number, role: TapGeometry['role'], extra?: Pick<TapGeometry, 'kernel' | 'layerScale'>) => void;

function block(g: GraphAssembler, b: BlockSpec, input: string, c: number, tap: BlockTap, growField: (k: number) => void): string {
  const k = g.dim(`${b.dwconv}.weight`, 4, 3);
  if (k % 2 !== 1) throw new CheckpointError(`The depthwise convolution "${b.dwconv}" is ${k}×${k}; ConvNeXt's are odd-sized (7×7).`);
  const dw = g.conv(input, b.dwconv, { out: c, in: c, k, stride: 1, pad: (k - 1) / 2, group: c }, b.dwconv);
  growField(k);
  tap(b.dwconv, 'depthwise', c, 'dwconv', { kernel: k });
  const normed = g.channelNorm(dw, b.norm, c, CONVNEXT_EPS, b.norm);
  tap(b.norm, 'norm', c, 'norm');
  // ConvNeXt's MLP ratio is 4 in all three libraries (transformers and torchvision hard-code it).
  const hidden = 4 * c;
  let h = g.conv(normed, b.fc1, { out: hidden, in: c, k: 1, stride: 1, pad: 0, group: 1 }, b.fc1, true);
  tap(b.fc1, 'conv', hidden, 'fc1');
  h = g.gelu(h, b.act);
  tap(b.act, 'gelu', hidden, 'act');
  if (b.grn) {
    h = g.grn(h, b.grn, hidden, b.grn);
    tap(b.grn, 'norm', hidden, 'grn');
  }
  let out = g.conv(h, b.fc2, { out: c, in: hidden, k: 1, stride: 1, pad: 0, group: 1 }, b.fc2, true);
  tap(b.fc2, 'conv', c, 'fc2', { layerScale: b.layerScale !== null });
  if (b.layerScale) out = g.op('Mul', [out, g.weight(b.layerScale, [[c], [c, 1, 1]], [c, 1, 1])]);
  const sum = g.op('Add', [input, out], b.path);
  tap(b.path, 'block', c, null);
  return sum;
}
