/**
 * Channels-first LayerNorms in an ONNX graph: a LayerNorm over the channel axis of an
 * NCHW map, as ConvNeXt uses in its stem and downsampling layers. PyTorch has no such
 * module, so exporters write it out in one of two ways:
 *  - decomposed, as transformers' ConvNextLayerNorm computes it:
 *      u = ReduceMean(x, axes=[1]); d = Sub(x, u); v = ReduceMean(Pow(d, 2), axes=[1]);
 *      y = Div(d, Sqrt(Add(v, eps))); then optionally Mul(weight, y) and Add(…, bias);
 *  - a LayerNormalization over the last axis between two permutes (timm's LayerNorm2d,
 *    torchvision's Permute/LayerNorm/Permute): Transpose(0,2,3,1) -> LayerNormalization -> Transpose(0,3,1,2).
 * Either way the app shows one "norm" tap for the whole LayerNorm: its NCHW output.
 */
import type { OnnxNode } from './onnxProto';

export interface ChannelsFirstNorm {
  /** The value holding the normalised (and scaled, shifted) NCHW map. */
  output: string;
  /** The node that produces `output`; its scope names the module. */
  node: OnnxNode;
}

function sameArray(a: number[] | undefined, b: number[]): boolean {
  return !!a && a.length === b.length && a.every((v, i) => v === b[i]);
}

/** A mean over the channel axis keeping dims (axes [1] attribute, or opset 18's axes input, unchecked). */
function isChannelMean(n: OnnxNode | undefined): n is OnnxNode {
  if (!n || n.opType !== 'ReduceMean') return false;
  const axes = n.ints.axes;
  const keep = n.ints.keepdims?.[0] ?? 1;
  return keep === 1 && (axes === undefined ? n.inputs.length > 1 : sameArray(axes, [1]) || sameArray(axes, [-3]));
}

export function findChannelsFirstNorms(nodes: readonly OnnxNode[]): ChannelsFirstNorm[] {
  const producers = new Map<string, OnnxNode>();
  const consumers = new Map<string, OnnxNode[]>();
  for (const n of nodes) {
    for (const o of n.outputs) producers.set(o, n);
    for (const i of n.inputs) consumers.set(i, [...(consumers.get(i) ?? []), n]);
  }
  /** The only consumer of a value, looking through Casts (transformers casts to float and back). */
  const onlyConsumer = (value: string): OnnxNode | null => {
    const c = consumers.get(value);
    if (c?.length !== 1) return null;
    return c[0]!.opType === 'Cast' ? onlyConsumer(c[0]!.outputs[0] ?? '') : c[0]!;
  };
  const found: ChannelsFirstNorm[] = [];
  for (const n of nodes) {
    if (n.opType === 'Div') {
      const sqrt = producers.get(n.inputs[1] ?? '');
      const add = sqrt?.opType === 'Sqrt' ? producers.get(sqrt.inputs[0] ?? '') : undefined;
      const variance = add?.opType === 'Add' ? add.inputs.map((i) => producers.get(i)).find(isChannelMean) : undefined;
      const pow = variance ? producers.get(variance.inputs[0] ?? '') : undefined;
      const centred = producers.get(n.inputs[0] ?? '');
      const mean = centred?.opType === 'Sub' ? producers.get(centred.inputs[1] ?? '') : undefined;
      if (pow?.opType !== 'Pow' || !isChannelMean(mean) || mean.inputs[0] !== centred!.inputs[0]) continue;
      // The affine part, if any: weight * y, then + bias.
      let last = n;
      const mul = onlyConsumer(n.outputs[0] ?? '');
      if (mul?.opType === 'Mul') {
        last = mul;
        const bias = onlyConsumer(mul.outputs[0] ?? '');
        if (bias?.opType === 'Add') last = bias;
      }
      found.push({ output: last.outputs[0] ?? '', node: last });
    } else if (n.opType === 'Transpose' && sameArray(n.ints.perm, [0, 3, 1, 2])) {
      const ln = producers.get(n.inputs[0] ?? '');
      if (ln?.opType !== 'LayerNormalization') continue;
      const axis = ln.ints.axis?.[0] ?? -1;
      const before = producers.get(ln.inputs[0] ?? '');
      if ((axis === -1 || axis === 3) && before?.opType === 'Transpose' && sameArray(before.ints.perm, [0, 2, 3, 1])) {
        found.push({ output: n.outputs[0] ?? '', node: ln });
      }
    }
  }
  return found;
}
