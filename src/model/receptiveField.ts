/**
 * Receptive fields of a foreign graph's values, from its convolutions and pools alone:
 * what the exporter computes for our own models (model/export.py), done on the ONNX graph.
 * Same convention as the manifest: `offset` is the input-pixel coordinate of the centre
 * of output position 0, where input pixel i spans [i, i + 1).
 *
 * Only the first spatial axis is followed (the app shows square inputs). Ops that mix all
 * positions (global pools, reductions that drop axes, reshapes, Gemm) end the field: their
 * outputs get none. Every other op takes the largest field among its inputs, which is
 * right for element-wise ops, residual adds and per-position (channel-last) Linear layers.
 */
import type { ReceptiveField } from './manifest';
import type { OnnxNode, OnnxSummary } from './onnxProto';

const WINDOWED = new Set(['Conv', 'MaxPool', 'AveragePool', 'LpPool']);
const ENDS_FIELD = new Set([
  'GlobalAveragePool', 'GlobalMaxPool', 'GlobalLpPool', 'Gemm', 'Flatten', 'Reshape', 'Resize', 'Upsample',
  'ConvTranspose', 'DepthToSpace', 'SpaceToDepth', 'Shape', 'Gather', 'Slice', 'Squeeze', 'Unsqueeze',
  'ReduceMean', 'ReduceMax', 'ReduceMin', 'ReduceSum', 'ReduceL2', 'ReduceProd', 'ReduceLogSumExp', 'ArgMax',
]);

function windowed(n: OnnxNode, inField: ReceptiveField): ReceptiveField | null {
  const k = n.ints.kernel_shape?.[0];
  if (k === undefined) return null;
  const s = n.ints.strides?.[0] ?? 1;
  const d = n.ints.dilations?.[0] ?? 1;
  const pad = n.ints.pads?.[0] ?? 0;
  const span = (k - 1) * d + 1;
  return {
    size: inField.size + (span - 1) * inField.stride,
    stride: inField.stride * s,
    offset: inField.offset + ((span - 1) / 2 - pad) * inField.stride,
  };
}

export function graphReceptiveFields(summary: OnnxSummary, inputName: string): Map<string, ReceptiveField> {
  const fields = new Map<string, ReceptiveField>([[inputName, { size: 1, stride: 1, offset: 0.5 }]]);
  for (const n of summary.nodes) {
    const out = n.outputs[0];
    if (!out) continue;
    const ins = n.inputs.map((i) => fields.get(i)).filter((f): f is ReceptiveField => f !== undefined);
    if (ins.length === 0) continue;
    // A reduction that keeps its axes (a LayerNorm's mean over channels) keeps positions apart.
    const keepsAxes = n.opType.startsWith('Reduce') && (n.ints.keepdims?.[0] ?? 1) === 1 && !(n.ints.axes ?? []).some((a) => a === 2 || a === 3 || a === -1 || a === -2);
    if (ENDS_FIELD.has(n.opType) && !keepsAxes) continue;
    const widest = ins.reduce((a, b) => (b.size > a.size ? b : a));
    const field = WINDOWED.has(n.opType) ? windowed(n, fields.get(n.inputs[0] ?? '') ?? widest) : widest;
    if (field) fields.set(out, field);
  }
  return fields;
}
