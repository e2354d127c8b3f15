/**
 * The Examples view's statistics computed by the model itself: for every [N, C, H, W] tap, a
 * session built from the model with three small outputs added per tap, each channel's maximum
 * over positions, the first position holding it (row-major), and its mean. A folder's pass then
 * reads back 3 × C numbers per tap instead of the whole map (16 MB a photo on ConvNeXt Atto),
 * and the top-k bookkeeping (src/examples/topK.ts) has nothing left to scan.
 *
 * The nodes are appended as a second GraphProto fragment (ModelProto fields merge, repeated ones
 * extend: see addGraphOutputs in onnxProto.ts), after every existing node, so the graph stays
 * topologically sorted. The tap values stay graph outputs, so the optimiser fuses exactly what
 * it fuses in the model's own session and the values reduced are the ones the page shows.
 */
import { Writer } from 'protobufjs/minimal';
import { tag, writeNode, type GraphNode } from '../checkpoint/onnxWriter';
import { LENGTH_DELIMITED } from './onnxProto';

/** ONNX TensorProto.DataType INT64. */
const ONNX_INT64 = 7;
const PREFIX = 'convlens_examples';

export interface TapStatNames {
  max: string;
  argmax: string;
  mean: string;
}

function int64Initializer(w: Writer, name: string, values: readonly number[]): void {
  const raw = new Uint8Array(values.length * 8);
  const view = new DataView(raw.buffer);
  values.forEach((v, i) => view.setBigInt64(i * 8, BigInt(v), true));
  w.uint32(tag(5, LENGTH_DELIMITED)).fork();
  w.uint32(tag(1, 0)).int64(values.length);
  w.uint32(tag(2, 0)).int32(ONNX_INT64);
  w.uint32(tag(8, LENGTH_DELIMITED)).string(name);
  w.uint32(tag(9, LENGTH_DELIMITED)).bytes(raw);
  w.ldelim();
}

/**
 * `values`: each tap's graph value, or null for a tap that is not a 4-D map (class scores:
 * the page reads those whole). `opset`: the model's default-domain opset; from 18 on, the
 * reductions take their axes as an input instead of an attribute.
 */
export function addExampleStats(bytes: Uint8Array, values: readonly (string | null)[], opset: number): { bytes: Uint8Array; names: (TapStatNames | null)[] } {
  const shape = `${PREFIX}/flat_shape`;
  const axes = `${PREFIX}/axes`;
  const axesAsInput = opset >= 18;
  const nodes: GraphNode[] = [];
  const names = values.map((value, i) => {
    if (value === null) return null;
    const base = `${PREFIX}/${i}`;
    const flat = `${base}/flat`;
    const out = { max: `${base}/max`, argmax: `${base}/argmax`, mean: `${base}/mean` };
    // [N, C, H, W] -> [N, C, H·W]: one axis to reduce, and ArgMax's index is row-major.
    nodes.push({ op: 'Reshape', inputs: [value, shape], outputs: [flat], name: `${base}/Reshape` });
    for (const [op, output] of [['ReduceMax', out.max], ['ReduceMean', out.mean]] as const) {
      nodes.push(axesAsInput
        ? { op, inputs: [flat, axes], outputs: [output], name: `${base}/${op}`, attributes: [{ name: 'keepdims', i: 0 }] }
        : { op, inputs: [flat], outputs: [output], name: `${base}/${op}`, attributes: [{ name: 'axes', ints: [2] }, { name: 'keepdims', i: 0 }] });
    }
    // The first position holding the maximum, as the page's own bookkeeping ranks ties.
    nodes.push({ op: 'ArgMax', inputs: [flat], outputs: [out.argmax], name: `${base}/ArgMax`, attributes: [{ name: 'axis', i: 2 }, { name: 'keepdims', i: 0 }, { name: 'select_last_index', i: 0 }] });
    return out;
  });
  if (nodes.length === 0) return { bytes, names };
  const w = Writer.create();
  w.uint32(tag(7, LENGTH_DELIMITED)).fork(); // ModelProto.graph
  for (const n of nodes) writeNode(w, n);
  int64Initializer(w, shape, [0, 0, -1]);
  if (axesAsInput) int64Initializer(w, axes, [2]);
  for (const n of names) {
    if (!n) continue;
    for (const output of [n.max, n.argmax, n.mean]) w.uint32(tag(12, LENGTH_DELIMITED)).fork().uint32(tag(1, LENGTH_DELIMITED)).string(output).ldelim();
  }
  const fragment = w.ldelim().finish();
  const out = new Uint8Array(bytes.byteLength + fragment.byteLength);
  out.set(bytes, 0);
  out.set(fragment, bytes.byteLength);
  return { bytes: out, names };
}
