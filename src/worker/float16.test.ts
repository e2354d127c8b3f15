import { describe, expect, it } from 'vitest';
import { float16ToFloat32, halfBitsToFloat } from './float16';

describe('float16 → float32', () => {
  it('decodes IEEE 754 half bits exactly', () => {
    expect(halfBitsToFloat(0x3c00)).toBe(1);
    expect(halfBitsToFloat(0xc000)).toBe(-2);
    expect(halfBitsToFloat(0x3555)).toBeCloseTo(0.333251953125, 12);
    expect(halfBitsToFloat(0x7bff)).toBe(65504);
    expect(halfBitsToFloat(0x0001)).toBe(2 ** -24);
    expect(halfBitsToFloat(0x0000)).toBe(0);
    expect(halfBitsToFloat(0x7c00)).toBe(Infinity);
    expect(halfBitsToFloat(0xfc00)).toBe(-Infinity);
    expect(halfBitsToFloat(0x7e00)).toBeNaN();
  });
  it('converts raw bits (Uint16Array) and already-decoded values', () => {
    expect([...float16ToFloat32(new Uint16Array([0x3c00, 0xbc00, 0x4000]))]).toEqual([1, -1, 2]);
    expect([...float16ToFloat32([0.5, -0.25])]).toEqual([0.5, -0.25]);
  });
});
