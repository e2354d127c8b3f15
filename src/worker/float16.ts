/**
 * float16 tensors as float32, for display: a Hub model's fp16 variant computes in half
 * precision, so its inner layers come out of onnxruntime as float16. onnxruntime-web
 * hands them over as Float16Array where the browser has one, as raw IEEE 754 half
 * bits in a Uint16Array otherwise.
 */
export function halfBitsToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24; // subnormal (and zero)
  if (exp === 0x1f) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

export function float16ToFloat32(data: ArrayLike<number>): Float32Array {
  const out = new Float32Array(data.length);
  if (data instanceof Uint16Array) {
    for (let i = 0; i < data.length; i++) out[i] = halfBitsToFloat(data[i]!);
  } else {
    for (let i = 0; i < data.length; i++) out[i] = data[i]!;
  }
  return out;
}
