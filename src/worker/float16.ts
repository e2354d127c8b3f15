/**
 * float16 model outputs (fp16 models tapped inside, where values are float16) as the
 * float32 the renderers and the .npy export use. onnxruntime-web hands float16 data
 * over as a Float16Array where the browser has one, else as a Uint16Array of raw bits.
 */

/** IEEE 754 half -> float32, exactly (every half is a float32). */
export function halfBitsToFloat32(bits: Uint16Array): Float32Array {
  const out = new Float32Array(bits.length);
  for (let i = 0; i < bits.length; i++) {
    const h = bits[i]!;
    const sign = h & 0x8000 ? -1 : 1;
    const exp = (h >> 10) & 0x1f;
    const frac = h & 0x3ff;
    if (exp === 0) out[i] = sign * frac * 2 ** -24; // zero and subnormals
    else if (exp === 31) out[i] = frac ? NaN : sign * Infinity;
    else out[i] = sign * (1 + frac / 1024) * 2 ** (exp - 15);
  }
  return out;
}

/** A float16 tensor's data (Uint16Array bits or Float16Array values) as a new Float32Array. */
export function float16DataToFloat32(data: unknown): Float32Array {
  if (data instanceof Uint16Array) return halfBitsToFloat32(data);
  if (ArrayBuffer.isView(data) && !(data instanceof DataView)) return Float32Array.from(data as unknown as ArrayLike<number>);
  throw new TypeError('float16 output data is not a typed array');
}

/** Bytes to read back from a GPU output: whole 4-byte words (copyBufferToBuffer's rule), covering the data. */
export function gpuReadbackBytes(type: string, elements: number): number {
  return type === 'float16' ? Math.ceil((elements * 2) / 4) * 4 : elements * 4;
}

/** Data read back from the GPU (a Float32Array view over raw bytes) as float32 values. */
export function gpuDataToFloat32(type: string, raw: Float32Array, elements: number): Float32Array {
  if (type !== 'float16') return raw;
  return halfBitsToFloat32(new Uint16Array(raw.buffer, raw.byteOffset, elements));
}
