import { describe, expect, it } from 'vitest';
import { float16DataToFloat32, gpuDataToFloat32, gpuReadbackBytes, halfBitsToFloat32 } from './float16';

describe('halfBitsToFloat32', () => {
  it('decodes normals, subnormals, zeros, infinities and NaN exactly', () => {
    const bits = new Uint16Array([0x3c00, 0xc000, 0x3555, 0x7bff, 0x0001, 0x03ff, 0x0000, 0x8000, 0x7c00, 0xfc00, 0x7e00, 0x0400]);
    const f = halfBitsToFloat32(bits);
    expect(Array.from(f.slice(0, 6))).toEqual([1, -2, 0.333251953125, 65504, 2 ** -24, 1023 * 2 ** -24]);
    expect(Object.is(f[6], 0)).toBe(true);
    expect(Object.is(f[7], -0)).toBe(true);
    expect([f[8], f[9]]).toEqual([Infinity, -Infinity]);
    expect(Number.isNaN(f[10])).toBe(true);
    expect(f[11]).toBe(2 ** -14);
  });

  it('agrees with numpy for every half value that round-trips through float32', () => {
    // float32 -> half by truncation of exactly representable values: e.g. k/1024 in [1, 2)
    const bits = new Uint16Array(1024).map((_, k) => 0x3c00 + k);
    expect(Array.from(halfBitsToFloat32(bits))).toEqual(Array.from({ length: 1024 }, (_, k) => 1 + k / 1024));
  });
});

describe('float16 outputs', () => {
  it('converts Uint16Array bits and float typed arrays', () => {
    expect(Array.from(float16DataToFloat32(new Uint16Array([0x3c00, 0x4200])))).toEqual([1, 3]);
    expect(Array.from(float16DataToFloat32(new Float64Array([0.5, -1.25])))).toEqual([0.5, -1.25]);
    expect(() => float16DataToFloat32([1, 2])).toThrow(TypeError);
  });

  it('reads back whole words from the GPU and decodes only the elements', () => {
    expect(gpuReadbackBytes('float32', 3)).toBe(12);
    expect(gpuReadbackBytes('float16', 3)).toBe(8);
    expect(gpuReadbackBytes('float16', 4)).toBe(8);
    const raw = new Float32Array(new Uint16Array([0x3c00, 0xc000, 0x3800, 0xffff]).buffer);
    expect(Array.from(gpuDataToFloat32('float16', raw, 3))).toEqual([1, -2, 0.5]);
    expect(gpuDataToFloat32('float32', raw, 2)).toBe(raw);
  });
});
