/**
 * The small float values of an ONNX graph's Constant nodes (a LayerNorm's eps, GELU's √2,
 * a Clip's bounds). readOnnx (src/model/onnxProto.ts) keeps only integer and scalar
 * attributes, and onnxInitializers.ts reads initializers only; a decomposed LayerNorm keeps
 * its eps in a Constant node, so the explanation reads it here instead of guessing it.
 *
 * Bounded: only tensors of at most MAX_CONSTANT_VALUES float32/float64 values are kept; every
 * other field is skipped without copying.
 */
import { Reader } from 'protobufjs/minimal';
import { FIXED32, LENGTH_DELIMITED, readFields, subEnd, toNumber, int64, VARINT } from '../model/onnxProto';

export const MAX_CONSTANT_VALUES = 64;

const FLOAT = 1;
const DOUBLE = 11;

interface SmallTensor {
  dims: number[];
  dataType?: number;
  raw?: Uint8Array;
  floats: number[];
  doubles: number[];
}

function readSmallTensor(r: Reader, end: number): SmallTensor {
  const t: SmallTensor = { dims: [], floats: [], doubles: [] };
  readFields(r, end, (f, w) => {
    if (f === 1 && w === VARINT) t.dims.push(toNumber(int64(r)));
    else if (f === 1 && w === LENGTH_DELIMITED) {
      const e = subEnd(r);
      while (r.pos < e) t.dims.push(toNumber(int64(r)));
    } else if (f === 2 && w === VARINT) t.dataType = r.int32();
    else if (f === 4 && w === LENGTH_DELIMITED) {
      const e = subEnd(r);
      while (r.pos < e && t.floats.length <= MAX_CONSTANT_VALUES) t.floats.push(r.float());
      r.pos = e;
    } else if (f === 4 && w === FIXED32) t.floats.push(r.float());
    else if (f === 10 && w === LENGTH_DELIMITED) {
      const e = subEnd(r);
      while (r.pos < e && t.doubles.length <= MAX_CONSTANT_VALUES) t.doubles.push(r.double());
      r.pos = e;
    } else if (f === 9 && w === LENGTH_DELIMITED) {
      const len = r.uint32();
      // Large raw data is skipped, not copied.
      if (len <= MAX_CONSTANT_VALUES * 8) t.raw = r.buf.slice(r.pos, r.pos + len);
      r.pos += len;
    } else return false;
    return true;
  });
  return t;
}

function smallValues(t: SmallTensor): Float32Array | null {
  const count = t.dims.reduce((a, b) => a * b, 1);
  if (count > MAX_CONSTANT_VALUES) return null;
  if (t.dataType === FLOAT) {
    if (t.raw && t.raw.byteLength === count * 4) {
      const v = new DataView(t.raw.buffer, t.raw.byteOffset, t.raw.byteLength);
      return Float32Array.from({ length: count }, (_, i) => v.getFloat32(i * 4, true));
    }
    return t.floats.length === count ? Float32Array.from(t.floats) : null;
  }
  if (t.dataType === DOUBLE) {
    if (t.raw && t.raw.byteLength === count * 8) {
      const v = new DataView(t.raw.buffer, t.raw.byteOffset, t.raw.byteLength);
      return Float32Array.from({ length: count }, (_, i) => v.getFloat64(i * 8, true));
    }
    return t.doubles.length === count ? Float32Array.from(t.doubles) : null;
  }
  return null;
}

/** Constant node output name → its values (float tensors of at most MAX_CONSTANT_VALUES values, `value_float(s)`). */
export function readConstantValues(bytes: Uint8Array): Map<string, Float32Array> {
  const found = new Map<string, Float32Array>();
  const r = Reader.create(bytes);
  readFields(r, bytes.byteLength, (f, w) => {
    if (f !== 7 || w !== LENGTH_DELIMITED) return false; // ModelProto.graph
    readFields(r, subEnd(r), (gf, gw) => {
      if (gf !== 1 || gw !== LENGTH_DELIMITED) return false; // GraphProto.node
      let opType = '';
      let output = '';
      let values: Float32Array | null = null;
      readFields(r, subEnd(r), (nf, nw) => {
        if (nw !== LENGTH_DELIMITED) return false;
        if (nf === 2) output ||= r.string();
        else if (nf === 4) opType = r.string();
        else if (nf === 5) {
          const floats: number[] = [];
          let name = '';
          readFields(r, subEnd(r), (af, aw) => {
            if (af === 1 && aw === LENGTH_DELIMITED) name = r.string();
            else if (af === 2 && aw === FIXED32) floats.push(r.float());
            else if (af === 7 && aw === LENGTH_DELIMITED) {
              const e = subEnd(r);
              while (r.pos < e && floats.length <= MAX_CONSTANT_VALUES) floats.push(r.float());
              r.pos = e;
            } else if (af === 5 && aw === LENGTH_DELIMITED) values = smallValues(readSmallTensor(r, subEnd(r)));
            else return false;
            return true;
          });
          if ((name === 'value_float' || name === 'value_floats') && floats.length > 0 && floats.length <= MAX_CONSTANT_VALUES) values = Float32Array.from(floats);
        } else return false;
        return true;
      });
      if (opType === 'Constant' && output && values) found.set(output, values);
      return true;
    });
    return true;
  });
  return found;
}
