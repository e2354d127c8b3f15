/**
 * Reads the parts of an ONNX file the app needs, and adds graph outputs to it,
 * with protobufjs (the protobuf library onnxruntime-web itself depends on).
 *
 * The readers below follow onnx/onnx.proto's field numbers for only what we read. Every
 * other field (initializers' weights above all) is skipped, so a 100 MB model's weights
 * are never copied or turned into objects.
 *
 * Adding outputs never re-encodes the model: protobuf merges a repeated field that
 * appears again later in the stream, and a singular message field that appears twice
 * is merged too. So `original bytes + encode(ModelProto{graph{output: [...]}})` is the
 * original model with more graph outputs, byte for byte otherwise, including any
 * field this schema does not know. (protobuf's C++ parser, which onnxruntime uses,
 * merges like that, and so does readOnnx: a second graph field extends the first.)
 */
// protobufjs's minimal Reader/Writer, not its reflection decoders: those compile code with
// Function(), which the page's Content-Security-Policy (no 'unsafe-eval') forbids.
import { Reader, Writer } from 'protobufjs/minimal';

/** Protobuf wire types. */
export const VARINT = 0;
export const LENGTH_DELIMITED = 2;
export const FIXED32 = 5;

/** Reads one message's fields up to `end`, skipping every field the callback does not take. */
export function readFields(r: Reader, end: number, take: (field: number, wire: number) => boolean): void {
  while (r.pos < end) {
    const tag = r.uint32();
    if (!take(tag >>> 3, tag & 7)) r.skipType(tag & 7);
  }
  if (r.pos !== end) throw new Error('a field runs past the end of its message');
}

/** int64 as protobufjs returns it: a number, or a Long when the long package is present. */
export const int64 = (r: Reader): Int64 => r.int64() as unknown as Int64;

/** End position of the length-delimited sub-message that starts here. */
export const subEnd = (r: Reader): number => r.uint32() + r.pos;

/** ONNX TensorProto.DataType.FLOAT */
export const ONNX_FLOAT = 1;

export class OnnxFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OnnxFormatError';
  }
}

/** One dimension: a number, or the name of a dynamic axis ("height"), or null when unknown. */
export type Dim = number | string | null;

export interface OnnxValueInfo {
  name: string;
  /** ONNX element type (1 = float32), null when the file does not say. */
  elemType: number | null;
  /** null when the file gives no shape at all. */
  dims: Dim[] | null;
}

export interface OnnxNode {
  name: string;
  opType: string;
  domain: string;
  inputs: string[];
  outputs: string[];
  /** Integer attributes, the only ones the app reads: lists (a Transpose's perm) and single ints as [i] (a Conv's group). */
  ints: Record<string, number[]>;
  /** Scalar int and float attributes (a Gemm's transB, a LayerNormalization's epsilon); absent when none. */
  scalars?: Record<string, number>;
}

export interface OnnxSummary {
  irVersion: number;
  producer: string;
  opsets: { domain: string; version: number }[];
  metadata: Record<string, string>;
  /** Graph inputs that are not initializers: what must be fed. */
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
  /** In file order, which ONNX requires to be topological. */
  nodes: OnnxNode[];
}

export type Int64 = number | { toNumber(): number };
export const toNumber = (v: Int64 | null | undefined): number => (v == null ? 0 : typeof v === 'number' ? v : v.toNumber());

interface RawDim { dim_value?: Int64; dim_param?: string }
interface RawValueInfo { name?: string; type?: { tensor_type?: { elem_type?: number; shape?: { dim?: RawDim[] } } } }
interface RawAttribute { name?: string; f?: number; i?: Int64; ints?: Int64[] }
interface RawNode { name?: string; op_type?: string; domain?: string; input?: string[]; output?: string[]; attribute?: RawAttribute[] }
interface RawGraph { node?: RawNode[]; initializer?: { name?: string }[]; input?: RawValueInfo[]; output?: RawValueInfo[] }
interface RawModel {
  ir_version?: Int64;
  producer_name?: string;
  producer_version?: string;
  opset_import?: { domain?: string; version?: Int64 }[];
  metadata_props?: { key?: string; value?: string }[];
  graph?: RawGraph;
}

function readDim(r: Reader, end: number): RawDim {
  const d: RawDim = {};
  readFields(r, end, (f, w) => {
    if (f === 1 && w === VARINT) d.dim_value = int64(r);
    else if (f === 2 && w === LENGTH_DELIMITED) d.dim_param = r.string();
    else return false;
    return true;
  });
  return d;
}

function readValueInfo(r: Reader, end: number): RawValueInfo {
  const v: RawValueInfo = {};
  readFields(r, end, (f, w) => {
    if (w !== LENGTH_DELIMITED) return false;
    if (f === 1) v.name = r.string();
    else if (f === 2) {
      // TypeProto → tensor_type (1) → elem_type (1), shape (2) → dim (1)
      readFields(r, subEnd(r), (tf, tw) => {
        if (tf !== 1 || tw !== LENGTH_DELIMITED) return false;
        const tensor: NonNullable<NonNullable<RawValueInfo['type']>['tensor_type']> = {};
        readFields(r, subEnd(r), (ef, ew) => {
          if (ef === 1 && ew === VARINT) tensor.elem_type = r.int32();
          else if (ef === 2 && ew === LENGTH_DELIMITED) {
            const dims: RawDim[] = [];
            readFields(r, subEnd(r), (sf, sw) => {
              if (sf !== 1 || sw !== LENGTH_DELIMITED) return false;
              dims.push(readDim(r, subEnd(r)));
              return true;
            });
            tensor.shape = { dim: dims };
          } else return false;
          return true;
        });
        v.type = { tensor_type: tensor };
        return true;
      });
    } else return false;
    return true;
  });
  return v;
}

function readAttribute(r: Reader, end: number): RawAttribute {
  const a: RawAttribute = {};
  readFields(r, end, (f, w) => {
    if (f === 1 && w === LENGTH_DELIMITED) a.name = r.string();
    else if (f === 2 && w === FIXED32) a.f = r.float();
    else if (f === 3 && w === VARINT) a.i = int64(r);
    else if (f === 8 && w === VARINT) (a.ints ??= []).push(int64(r));
    else if (f === 8 && w === LENGTH_DELIMITED) {
      // packed repeated int64
      const ints = (a.ints ??= []);
      const packedEnd = subEnd(r);
      while (r.pos < packedEnd) ints.push(int64(r));
    } else return false;
    return true;
  });
  return a;
}

function readNode(r: Reader, end: number): RawNode {
  const n: RawNode = {};
  readFields(r, end, (f, w) => {
    if (w !== LENGTH_DELIMITED) return false;
    if (f === 1) (n.input ??= []).push(r.string());
    else if (f === 2) (n.output ??= []).push(r.string());
    else if (f === 3) n.name = r.string();
    else if (f === 4) n.op_type = r.string();
    else if (f === 7) n.domain = r.string();
    else if (f === 5) (n.attribute ??= []).push(readAttribute(r, subEnd(r)));
    else return false;
    return true;
  });
  return n;
}

/** Merges into `g`: a graph field that appears twice (see addGraphOutputs) extends the first. */
function readGraph(r: Reader, end: number, g: RawGraph): void {
  readFields(r, end, (f, w) => {
    if (w !== LENGTH_DELIMITED) return false;
    if (f === 1) (g.node ??= []).push(readNode(r, subEnd(r)));
    else if (f === 5) {
      // TensorProto: only its name (8); the weights are skipped, never copied.
      const t: { name?: string } = {};
      readFields(r, subEnd(r), (tf, tw) => {
        if (tf !== 8 || tw !== LENGTH_DELIMITED) return false;
        t.name = r.string();
        return true;
      });
      (g.initializer ??= []).push(t);
    } else if (f === 11) (g.input ??= []).push(readValueInfo(r, subEnd(r)));
    else if (f === 12) (g.output ??= []).push(readValueInfo(r, subEnd(r)));
    else return false;
    return true;
  });
}

function readModel(bytes: Uint8Array): RawModel {
  const r = Reader.create(bytes);
  const m: RawModel = {};
  readFields(r, bytes.byteLength, (f, w) => {
    if (f === 1 && w === VARINT) m.ir_version = int64(r);
    else if (w !== LENGTH_DELIMITED) return false;
    else if (f === 2) m.producer_name = r.string();
    else if (f === 3) m.producer_version = r.string();
    else if (f === 7) readGraph(r, subEnd(r), (m.graph ??= {}));
    else if (f === 8) {
      const o: { domain?: string; version?: Int64 } = {};
      readFields(r, subEnd(r), (of, ow) => {
        if (of === 1 && ow === LENGTH_DELIMITED) o.domain = r.string();
        else if (of === 2 && ow === VARINT) o.version = int64(r);
        else return false;
        return true;
      });
      (m.opset_import ??= []).push(o);
    } else if (f === 14) {
      const p: { key?: string; value?: string } = {};
      readFields(r, subEnd(r), (pf, pw) => {
        if (pw !== LENGTH_DELIMITED) return false;
        if (pf === 1) p.key = r.string();
        else if (pf === 2) p.value = r.string();
        else return false;
        return true;
      });
      (m.metadata_props ??= []).push(p);
    } else return false;
    return true;
  });
  return m;
}

function valueInfo(v: RawValueInfo): OnnxValueInfo {
  const t = v.type?.tensor_type;
  const dims = t?.shape ? (t.shape.dim ?? []).map((d): Dim => (d.dim_param ? d.dim_param : d.dim_value != null && toNumber(d.dim_value) > 0 ? toNumber(d.dim_value) : null)) : null;
  return { name: v.name ?? '', elemType: t?.elem_type ?? null, dims };
}

const NOT_ONNX = 'This file is not an ONNX model';

/** Decodes an ONNX ModelProto; throws OnnxFormatError when the bytes are not one. */
export function readOnnx(bytes: Uint8Array): OnnxSummary {
  let raw: RawModel;
  try {
    raw = readModel(bytes);
  } catch (e) {
    throw new OnnxFormatError(`${NOT_ONNX} (it is not a protobuf ModelProto: ${e instanceof Error ? e.message : String(e)}).`);
  }
  const irVersion = toNumber(raw.ir_version);
  const graph = raw.graph;
  // Random bytes sometimes decode as a protobuf; a real model has an IR version, opsets and nodes.
  if (irVersion <= 0 || irVersion > 100 || !graph || !graph.node?.length || !raw.opset_import?.length) {
    throw new OnnxFormatError(`${NOT_ONNX} (no ONNX graph was found in it).`);
  }
  const initializers = new Set((graph.initializer ?? []).map((t) => t.name));
  const metadata: Record<string, string> = {};
  for (const p of raw.metadata_props ?? []) if (p.key) metadata[p.key] = p.value ?? '';
  return {
    irVersion,
    producer: [raw.producer_name, raw.producer_version].filter(Boolean).join(' '),
    opsets: raw.opset_import.map((o) => ({ domain: o.domain ?? '', version: toNumber(o.version) })),
    metadata,
    inputs: (graph.input ?? []).filter((v) => !initializers.has(v.name)).map(valueInfo),
    outputs: (graph.output ?? []).map(valueInfo),
    nodes: graph.node.map((n) => {
      const ints: Record<string, number[]> = {};
      const scalars: Record<string, number> = {};
      for (const a of n.attribute ?? []) {
        if (!a.name) continue;
        // Lists (perm, kernel_shape, pads) and single ints (group, keepdims, axis) alike, the latter as [i];
        // single ints and floats (epsilon) also as scalars.
        if (a.ints?.length) ints[a.name] = a.ints.map(toNumber);
        else if (a.i != null) ints[a.name] = [toNumber(a.i)];
        if (a.i != null) scalars[a.name] = toNumber(a.i);
        else if (a.f != null) scalars[a.name] = a.f;
      }
      const node: OnnxNode = { name: n.name ?? '', opType: n.op_type ?? '', domain: n.domain ?? '', inputs: n.input ?? [], outputs: n.output ?? [], ints };
      if (Object.keys(scalars).length > 0) node.scalars = scalars;
      return node;
    }),
  };
}

/**
 * The model with `names` added as graph outputs (no type or shape: onnxruntime infers
 * them). Appends one encoded ModelProto fragment; see the comment at the top.
 */
export function addGraphOutputs(bytes: Uint8Array, names: readonly string[]): Uint8Array {
  if (names.length === 0) return bytes;
  // ModelProto.graph (7) { output (12) { name (1) } … }
  const w = Writer.create();
  w.uint32((7 << 3) | LENGTH_DELIMITED).fork();
  for (const name of names) w.uint32((12 << 3) | LENGTH_DELIMITED).fork().uint32((1 << 3) | LENGTH_DELIMITED).string(name).ldelim();
  const fragment = w.ldelim().finish();
  const out = new Uint8Array(bytes.byteLength + fragment.byteLength);
  out.set(bytes, 0);
  out.set(fragment, bytes.byteLength);
  return out;
}
