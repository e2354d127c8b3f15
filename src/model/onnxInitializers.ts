/**
 * Reads the data of a few named initializers (weights) of an ONNX file, e.g. a classifier
 * head's weight and bias for the class evidence map. readOnnx (onnxProto.ts) skips every
 * weight on purpose; this second pass copies only the tensors asked for.
 */
import { Reader } from 'protobufjs/minimal';
import { FIXED32, int64, LENGTH_DELIMITED, readFields, subEnd, toNumber, VARINT } from './onnxProto';

/** TensorProto.DataType values read here. */
const FLOAT = 1;
const FLOAT16 = 10;
/** Quantized weights (DequantizeLinear's input and zero point), read only when asked for. */
const UINT8 = 2;
const INT8 = 3;

export interface InitializerData {
  dims: number[];
  /** Converted to float32 (float16 weights are widened). */
  data: Float32Array;
}

interface RawTensor {
  name?: string;
  dims: number[];
  dataType?: number;
  raw?: Uint8Array;
  floats: number[];
  /** int32_data (5): where int8 and uint8 values go when not in raw_data. */
  ints: number[];
  external: boolean;
}

function readTensor(r: Reader, end: number): RawTensor {
  const t: RawTensor = { dims: [], floats: [], ints: [], external: false };
  readFields(r, end, (f, w) => {
    if (f === 1 && w === VARINT) t.dims.push(toNumber(int64(r)));
    else if (f === 1 && w === LENGTH_DELIMITED) {
      const packedEnd = subEnd(r);
      while (r.pos < packedEnd) t.dims.push(toNumber(int64(r)));
    } else if (f === 2 && w === VARINT) t.dataType = r.int32();
    else if (f === 4 && w === LENGTH_DELIMITED) {
      const packedEnd = subEnd(r);
      while (r.pos < packedEnd) t.floats.push(r.float());
    } else if (f === 4 && w === FIXED32) t.floats.push(r.float());
    else if (f === 5 && w === LENGTH_DELIMITED) {
      const packedEnd = subEnd(r);
      while (r.pos < packedEnd) t.ints.push(r.int32());
    } else if (f === 5 && w === VARINT) t.ints.push(r.int32());
    else if (f === 8 && w === LENGTH_DELIMITED) t.name = r.string();
    else if (f === 9 && w === LENGTH_DELIMITED) t.raw = r.bytes();
    else if (f === 14 && w === VARINT) t.external = r.int32() === 1;
    else return false;
    return true;
  });
  return t;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** IEEE half to float. */
function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * 2 ** -14 * (frac / 1024);
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * 2 ** (exp - 15) * (1 + frac / 1024);
}

function tensorData(t: RawTensor, integers: boolean): Float32Array | null {
  if (t.external) return null;
  const count = t.dims.reduce((a, b) => a * b, 1);
  if (integers && (t.dataType === INT8 || t.dataType === UINT8)) {
    if (t.raw && t.raw.byteLength === count) {
      const values = t.dataType === INT8 ? new Int8Array(t.raw.buffer, t.raw.byteOffset, count) : t.raw;
      return Float32Array.from(values);
    }
    if (t.ints.length === count) return Float32Array.from(t.ints);
    return null;
  }
  if (t.dataType === FLOAT) {
    if (t.raw && t.raw.byteLength === count * 4) {
      // One copy of the bytes (aligned, since slice makes a new buffer): a 384×1536 weight read value by value took ~0.2 s.
      if (LITTLE_ENDIAN) return new Float32Array(t.raw.slice().buffer);
      const view = new DataView(t.raw.buffer, t.raw.byteOffset, t.raw.byteLength);
      return Float32Array.from({ length: count }, (_, i) => view.getFloat32(i * 4, true));
    }
    if (t.floats.length === count) return Float32Array.from(t.floats);
    return null;
  }
  if (t.dataType === FLOAT16 && t.raw && t.raw.byteLength === count * 2) {
    const view = new DataView(t.raw.buffer, t.raw.byteOffset, t.raw.byteLength);
    return Float32Array.from({ length: count }, (_, i) => halfToFloat(view.getUint16(i * 2, true)));
  }
  return null;
}

/**
 * The named initializers that are stored in the file as float32 or float16 (and, with
 * `integers`, int8 and uint8, as their exact values). A name that is missing, stored in an
 * external data file, or of another type is left out of the map.
 */
export function readInitializers(bytes: Uint8Array, names: ReadonlySet<string>, { integers = false }: { integers?: boolean } = {}): Map<string, InitializerData> {
  const found = new Map<string, InitializerData>();
  if (names.size === 0) return found;
  const r = Reader.create(bytes);
  readFields(r, bytes.byteLength, (f, w) => {
    if (f !== 7 || w !== LENGTH_DELIMITED) return false; // ModelProto.graph
    readFields(r, subEnd(r), (gf, gw) => {
      if (gf !== 5 || gw !== LENGTH_DELIMITED) return false; // GraphProto.initializer
      const end = subEnd(r);
      // Peek at the name first: a large tensor we do not want is skipped without copying.
      const start = r.pos;
      let name: string | undefined;
      readFields(r, end, (tf, tw) => {
        if (tf !== 8 || tw !== LENGTH_DELIMITED) return false;
        name = r.string();
        return true;
      });
      if (name === undefined || !names.has(name)) return true;
      r.pos = start;
      const t = readTensor(r, end);
      const data = tensorData(t, integers);
      if (data) found.set(name, { dims: t.dims, data });
      return true;
    });
    return true;
  });
  return found;
}
