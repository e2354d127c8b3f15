import { describe, expect, it } from 'vitest';
import { channelColours, playWindow } from './convPlay';

describe('playWindow', () => {
  it('sweeps row by row, with stride, padding and dilation', () => {
    const plan = { kernel: [3, 3] as [number, number], strides: [2, 2] as [number, number], pads: [1, 1, 1, 1] as [number, number, number, number], dilations: [1, 1] as [number, number] };
    expect(playWindow(plan, 0, 4)).toEqual({ row: 0, col: 0, y0: -1, x0: -1, y1: 2, x1: 2 });
    expect(playWindow(plan, 5, 4)).toEqual({ row: 1, col: 1, y0: 1, x0: 1, y1: 4, x1: 4 });
    expect(playWindow({ ...plan, dilations: [2, 2], pads: [0, 0, 0, 0], strides: [1, 1] }, 1, 4)).toMatchObject({ x0: 1, x1: 6 });
  });
});

describe('channelColours', () => {
  it('colours over the channel min–max and leaves unfilled positions transparent', () => {
    const lut = new Uint8ClampedArray(256 * 4);
    for (let i = 0; i < 256; i++) lut.set([i, 0, 255 - i, 255], i * 4);
    const out = new Uint8ClampedArray(4 * 4);
    channelColours(out, Float32Array.from([9, -1, 1, 3, 2]), 1, 2, 2, lut, 3);
    expect(Array.from(out.subarray(0, 4))).toEqual([0, 0, 255, 255]); // -1: the minimum
    expect(Array.from(out.subarray(4, 8))).toEqual([128, 0, 127, 255]); // 1: half way
    expect(Array.from(out.subarray(8, 12))).toEqual([255, 0, 0, 255]); // 3: the maximum
    expect(out[15]).toBe(0); // not reached yet
  });
});
