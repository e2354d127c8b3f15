/**
 * Reads the parts of an ONNX file the app needs, and adds graph outputs to it,
 * with protobufjs (the protobuf library onnxruntime-web itself depends on).
 *
 * The schema below is a subset of onnx/onnx.proto with the same field numbers: only
 * what we read. Every other field (initializers above all) is skipped by the decoder,
 * so a 100 MB model's weights are never copied or turned into objects.
 *
 * Adding outputs never re-encodes the model: protobuf merges a repeated field that
 * appears again later in the stream, and a singular message field that appears twice
 * is merged too. So `original bytes + encode(ModelProto{graph{output: [...]}})` is the
 * original model with more graph outputs, byte for byte otherwise, including any
 * field this schema does not know. (protobuf's C++ parser, which onnxruntime uses,
 * merges like that; protobufjs's decoder replaces instead, so readOnnx must be given
 * the original bytes, never rewritten ones.)
 */
import { Root, type INamespace, type Message } from 'protobufjs/light';

const SCHEMA: INamespace = {
  nested: {
    onnx: {
      nested: {
        ModelProto: {
          fields: {
            ir_version: { type: 'int64', id: 1 },
            producer_name: { type: 'string', id: 2 },
            producer_version: { type: 'string', id: 3 },
            graph: { type: 'GraphProto', id: 7 },
            opset_import: { rule: 'repeated', type: 'OperatorSetIdProto', id: 8 },
            metadata_props: { rule: 'repeated', type: 'StringStringEntryProto', id: 14 },
          },
        },
        OperatorSetIdProto: { fields: { domain: { type: 'string', id: 1 }, version: { type: 'int64', id: 2 } } },
        StringStringEntryProto: { fields: { key: { type: 'string', id: 1 }, value: { type: 'string', id: 2 } } },
        GraphProto: {
          fields: {
            node: { rule: 'repeated', type: 'NodeProto', id: 1 },
            name: { type: 'string', id: 2 },
            initializer: { rule: 'repeated', type: 'InitializerName', id: 5 },
            input: { rule: 'repeated', type: 'ValueInfoProto', id: 11 },
            output: { rule: 'repeated', type: 'ValueInfoProto', id: 12 },
          },
        },
        // TensorProto reduced to its name: initializer inputs are not graph inputs to feed.
        InitializerName: { fields: { name: { type: 'string', id: 8 } } },
        NodeProto: {
          fields: {
            input: { rule: 'repeated', type: 'string', id: 1 },
            output: { rule: 'repeated', type: 'string', id: 2 },
            name: { type: 'string', id: 3 },
            op_type: { type: 'string', id: 4 },
            domain: { type: 'string', id: 7 },
            attribute: { rule: 'repeated', type: 'AttributeProto', id: 5 },
          },
        },
        AttributeProto: {
          fields: {
            name: { type: 'string', id: 1 },
            i: { type: 'int64', id: 3 },
            ints: { rule: 'repeated', type: 'int64', id: 8 },
          },
        },
        ValueInfoProto: { fields: { name: { type: 'string', id: 1 }, type: { type: 'TypeProto', id: 2 } } },
        TypeProto: { fields: { tensor_type: { type: 'TensorTypeProto', id: 1 } } },
        TensorTypeProto: { fields: { elem_type: { type: 'int32', id: 1 }, shape: { type: 'TensorShapeProto', id: 2 } } },
        TensorShapeProto: { fields: { dim: { rule: 'repeated', type: 'Dimension', id: 1 } } },
        Dimension: { fields: { dim_value: { type: 'int64', id: 1 }, dim_param: { type: 'string', id: 2 } } },
      },
    },
  },
};

const root = Root.fromJSON(SCHEMA);
const ModelProto = root.lookupType('onnx.ModelProto');

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
  /** Integer-list attributes (e.g. a Transpose's perm), the only ones the app reads. */
  ints: Record<string, number[]>;
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

type Int64 = number | { toNumber(): number };
const toNumber = (v: Int64 | null | undefined): number => (v == null ? 0 : typeof v === 'number' ? v : v.toNumber());

interface RawDim { dim_value?: Int64; dim_param?: string }
interface RawValueInfo { name?: string; type?: { tensor_type?: { elem_type?: number; shape?: { dim?: RawDim[] } } } }
interface RawNode { name?: string; op_type?: string; domain?: string; input?: string[]; output?: string[]; attribute?: { name?: string; i?: Int64; ints?: Int64[] }[] }
interface RawModel {
  ir_version?: Int64;
  producer_name?: string;
  producer_version?: string;
  opset_import?: { domain?: string; version?: Int64 }[];
  metadata_props?: { key?: string; value?: string }[];
  graph?: { node?: RawNode[]; initializer?: { name?: string }[]; input?: RawValueInfo[]; output?: RawValueInfo[] };
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
    raw = ModelProto.decode(bytes) as Message & RawModel;
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
      for (const a of n.attribute ?? []) if (a.name && a.ints?.length) ints[a.name] = a.ints.map(toNumber);
      return { name: n.name ?? '', opType: n.op_type ?? '', domain: n.domain ?? '', inputs: n.input ?? [], outputs: n.output ?? [], ints };
    }),
  };
}

/**
 * The model with `names` added as graph outputs (no type or shape: onnxruntime infers
 * them). Appends one encoded ModelProto fragment; see the comment at the top.
 */
export function addGraphOutputs(bytes: Uint8Array, names: readonly string[]): Uint8Array {
  if (names.length === 0) return bytes;
  const fragment = ModelProto.encode(ModelProto.fromObject({ graph: { output: names.map((name) => ({ name })) } })).finish();
  const out = new Uint8Array(bytes.byteLength + fragment.byteLength);
  out.set(bytes, 0);
  out.set(fragment, bytes.byteLength);
  return out;
}
