/**
 * Raw little-endian tensor bytes to float32, shared by the safetensors and PyTorch readers.
 * float32 data that is 4-byte aligned is viewed in place (no copy: a 110 MB checkpoint must
 * not cost another 110 MB before the graph is built); anything else is copied and converted.
 */
import { CheckpointError, type WeightDType } from './types';

export const ITEM_SIZE: Record<WeightDType, number> = { float32: 4, float16: 2, bfloat16: 2 };

/** Typed-array views use platform byte order; every browser is little-endian, but say so if not. */
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** The largest number of elements one tensor may have (a 1.5 GB file holds fewer). */
export const MAX_ELEMENTS = 2 ** 29;

/** Element count of `shape`, refusing negative, fractional or absurd dimensions. */
export function elementCount(shape: readonly number[], name: string): number {
  let n = 1;
  for (const d of shape) {
    if (!Number.isSafeInteger(d) || d < 0) throw new CheckpointError(`The tensor "${name}" has an impossible shape [${shape.join(', ')}].`);
    n *= d;
    if (n > MAX_ELEMENTS) throw new CheckpointError(`The tensor "${name}" is too large (shape [${shape.join(', ')}]).`);
  }
  return n;
}

let halfTable: Float32Array | null = null;

/** All 65536 float16 values as float32, built once (256 KB); a lookup beats bit twiddling per element. */
function float16Table(): Float32Array {
  if (halfTable) return halfTable;
  const t = new Float32Array(65536);
  for (let h = 0; h < 65536; h++) {
    const sign = h & 0x8000 ? -1 : 1;
    const exp = (h >> 10) & 0x1f;
    const frac = h & 0x3ff;
    if (exp === 0) t[h] = sign * frac * 2 ** -24;
    else if (exp === 31) t[h] = frac ? NaN : sign * Infinity;
    else t[h] = sign * (1 + frac / 1024) * 2 ** (exp - 15);
  }
  halfTable = t;
  return t;
}

function uint16s(bytes: Uint8Array): Uint16Array {
  if (!LITTLE_ENDIAN) {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const out = new Uint16Array(bytes.byteLength >> 1);
    for (let i = 0; i < out.length; i++) out[i] = view.getUint16(i * 2, true);
    return out;
  }
  const aligned = bytes.byteOffset % 2 === 0 ? bytes : bytes.slice();
  return new Uint16Array(aligned.buffer, aligned.byteOffset, aligned.byteLength >> 1);
}

/**
 * `bytes` (exactly count × item size, little-endian) as float32. The result may share memory
 * with `bytes` (aligned float32), so callers must not write into either.
 */
export function toFloat32(bytes: Uint8Array, dtype: WeightDType): Float32Array {
  if (dtype === 'float32') {
    if (!LITTLE_ENDIAN) {
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      const out = new Float32Array(bytes.byteLength >> 2);
      for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
      return out;
    }
    const aligned = bytes.byteOffset % 4 === 0 ? bytes : bytes.slice();
    return new Float32Array(aligned.buffer, aligned.byteOffset, aligned.byteLength >> 2);
  }
  const halves = uint16s(bytes);
  const out = new Float32Array(halves.length);
  if (dtype === 'float16') {
    const table = float16Table();
    for (let i = 0; i < halves.length; i++) out[i] = table[halves[i]!]!;
  } else {
    // bfloat16 is the top half of a float32: shift it back into place.
    const bits = new Uint32Array(out.buffer);
    for (let i = 0; i < halves.length; i++) bits[i] = halves[i]! << 16;
  }
  return out;
}
