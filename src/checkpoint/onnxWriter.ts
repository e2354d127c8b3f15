/**
 * Writes an ONNX model (onnx/onnx.proto field numbers) from a list of nodes and float32
 * initializers, for the ConvNeXt graph built from a checkpoint (convnextGraph.ts).
 *
 * Why by hand around protobufjs's Writer: the weights are most of the file, and they are
 * already float32 arrays in the byte order ONNX wants (little-endian, as every browser is).
 * So the small parts (nodes, value infos, each tensor's header) are encoded with the Writer,
 * the file's size is summed up front, and every weight is copied once, whole, into one
 * preallocated buffer: no per-element work, no second copy, no JSON.
 */
import { Writer } from 'protobufjs/minimal';
import { ONNX_FLOAT } from '../model/onnxProto';

/** The opset the graph is written for: LayerNormalization needs 17; onnxruntime-web runs it. */
export const OPSET = 17;
/** ONNX IR version that goes with opset 17. */
const IR_VERSION = 8;

export type Attribute = { name: string; i: number } | { name: string; f: number } | { name: string; ints: readonly number[] };

export interface GraphNode {
  op: string;
  inputs: readonly string[];
  outputs: readonly string[];
  name: string;
  attributes?: readonly Attribute[];
}

export interface Initializer {
  name: string;
  /** The dims written into the file: a weight may be given a new shape (a Linear's [out, in] as a 1×1 conv's [out, in, 1, 1]) as long as the element count is the same. */
  dims: readonly number[];
  data: Float32Array;
}

export interface GraphValue {
  name: string;
  dims: readonly number[];
}

export interface OnnxGraph {
  name: string;
  nodes: readonly GraphNode[];
  initializers: readonly Initializer[];
  inputs: readonly GraphValue[];
  outputs: readonly GraphValue[];
  /** metadata_props: e.g. the manifest, so a downloaded .onnx carries it. */
  metadata?: Readonly<Record<string, string>>;
}

// Wire tags: (field number << 3) | wire type (0 varint, 2 length-delimited, 5 fixed32).
export const tag = (field: number, wire: number): number => (field << 3) | wire;

function writeValueInfo(w: Writer, field: number, v: GraphValue): void {
  w.uint32(tag(field, 2)).fork();
  w.uint32(tag(1, 2)).string(v.name);
  w.uint32(tag(2, 2)).fork(); // TypeProto
  w.uint32(tag(1, 2)).fork(); // .tensor_type
  w.uint32(tag(1, 0)).int32(ONNX_FLOAT);
  w.uint32(tag(2, 2)).fork(); // .shape
  for (const d of v.dims) w.uint32(tag(1, 2)).fork().uint32(tag(1, 0)).int64(d).ldelim();
  w.ldelim().ldelim().ldelim().ldelim();
}

function writeAttribute(w: Writer, a: Attribute): void {
  w.uint32(tag(5, 2)).fork();
  w.uint32(tag(1, 2)).string(a.name);
  if ('i' in a) w.uint32(tag(3, 0)).int64(a.i).uint32(tag(20, 0)).int32(2);
  else if ('f' in a) w.uint32(tag(2, 5)).float(a.f).uint32(tag(20, 0)).int32(1);
  else {
    for (const v of a.ints) w.uint32(tag(8, 0)).int64(v);
    w.uint32(tag(20, 0)).int32(7);
  }
  w.ldelim();
}

/** GraphProto.node: one NodeProto. */
export function writeNode(w: Writer, n: GraphNode): void {
  w.uint32(tag(1, 2)).fork();
  for (const i of n.inputs) w.uint32(tag(1, 2)).string(i);
  for (const o of n.outputs) w.uint32(tag(2, 2)).string(o);
  w.uint32(tag(3, 2)).string(n.name);
  w.uint32(tag(4, 2)).string(n.op);
  for (const a of n.attributes ?? []) writeAttribute(w, a);
  w.ldelim();
}

/** One initializer's bytes before its data: GraphProto.initializer tag and length, then TensorProto up to raw_data's length. */
function initializerHead(t: Initializer): Uint8Array {
  const count = t.dims.reduce((a, b) => a * b, 1);
  if (count !== t.data.length) throw new Error(`initializer ${t.name}: dims ${t.dims.join('×')} hold ${count} values, data has ${t.data.length}`);
  const head = new Writer();
  for (const d of t.dims) head.uint32(tag(1, 0)).int64(d);
  head.uint32(tag(2, 0)).int32(ONNX_FLOAT);
  head.uint32(tag(8, 2)).string(t.name);
  head.uint32(tag(9, 2)).uint32(t.data.byteLength);
  const tensorBytes = head.len + t.data.byteLength;
  const out = new Writer();
  out.uint32(tag(5, 2)).uint32(tensorBytes);
  const prefix = out.finish();
  const body = head.finish();
  const both = new Uint8Array(prefix.length + body.length);
  both.set(prefix, 0);
  both.set(body, prefix.length);
  return both;
}

/** The ModelProto bytes: one allocation of the final size, each weight copied into it once. */
export function encodeOnnx(g: OnnxGraph, producer = 'ConvLens checkpoint builder'): Uint8Array {
  const small = new Writer();
  for (const n of g.nodes) writeNode(small, n);
  small.uint32(tag(2, 2)).string(g.name);
  for (const v of g.inputs) writeValueInfo(small, 11, v);
  for (const v of g.outputs) writeValueInfo(small, 12, v);
  const graphSmall = small.finish();
  const heads = g.initializers.map(initializerHead);
  let graphBytes = graphSmall.length;
  g.initializers.forEach((t, i) => (graphBytes += heads[i]!.length + t.data.byteLength));

  const model = new Writer();
  model.uint32(tag(1, 0)).int64(IR_VERSION);
  model.uint32(tag(2, 2)).string(producer);
  model.uint32(tag(8, 2)).fork().uint32(tag(1, 2)).string('').uint32(tag(2, 0)).int64(OPSET).ldelim();
  for (const [key, value] of Object.entries(g.metadata ?? {})) {
    model.uint32(tag(14, 2)).fork().uint32(tag(1, 2)).string(key).uint32(tag(2, 2)).string(value).ldelim();
  }
  model.uint32(tag(7, 2)).uint32(graphBytes);
  const modelHead = model.finish();

  const out = new Uint8Array(modelHead.length + graphBytes);
  out.set(modelHead, 0);
  let at = modelHead.length;
  out.set(graphSmall, at);
  at += graphSmall.length;
  g.initializers.forEach((t, i) => {
    out.set(heads[i]!, at);
    at += heads[i]!.length;
    out.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), at);
    at += t.data.byteLength;
  });
  return out;
}
