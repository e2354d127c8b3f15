import { describe, it, expect } from 'vitest';
import { lutIndex, unionRange, valueRange } from './normalise';
import { computeChannelStats } from './stats';
import type { LayerTensor } from './types';

// 2 channels × 2×2: ch0 = [1,2,3,4], ch1 = [-8,0,2,6]
const t: LayerTensor = { name: 't', shape: [2, 2, 2], data: new Float32Array([1, 2, 3, 4, -8, 0, 2, 6]) };

describe('valueRange', () => {
  it('channel mode uses each channel min/max', () => {
    expect(valueRange(t, 0, 'channel')).toEqual({ min: 1, max: 4 });
    expect(valueRange(t, 1, 'channel')).toEqual({ min: -8, max: 6 });
    expect(valueRange(t, 1, 'channel', { min: -100, max: 100 })).toEqual({ min: -8, max: 6 });
  });
  it('layer mode shares one range, or the override', () => {
    expect(valueRange(t, 0, 'layer')).toEqual({ min: -8, max: 6 });
    expect(valueRange(t, 1, 'layer')).toEqual({ min: -8, max: 6 });
    expect(valueRange(t, 0, 'layer', { min: -20, max: 10 })).toEqual({ min: -20, max: 10 });
  });
  it('symmetric mode is [-maxAbs, maxAbs] and maps 0 to the LUT middle', () => {
    const r = valueRange(t, 0, 'symmetric');
    expect(r).toEqual({ min: -8, max: 8 });
    expect(valueRange(t, 0, 'symmetric', { min: -3, max: 12 })).toEqual({ min: -12, max: 12 });
    expect([127, 128]).toContain(lutIndex(0, r));
    expect(lutIndex(-8, r)).toBe(0);
    expect(lutIndex(8, r)).toBe(255);
  });
  it('all-zero layer in symmetric mode still centres 0', () => {
    const z: LayerTensor = { name: 'z', shape: [1, 2, 2], data: new Float32Array(4) };
    const r = valueRange(z, 0, 'symmetric');
    expect(r.min).toBeLessThan(0);
    expect([127, 128]).toContain(lutIndex(0, r));
  });
  it('stats give the same answers without rescanning', () => {
    const s = computeChannelStats(t);
    for (const mode of ['channel', 'layer', 'symmetric'] as const) {
      for (const c of [0, 1]) expect(valueRange(t, c, mode, undefined, s)).toEqual(valueRange(t, c, mode));
    }
  });
  it('constant channel gives min == max and a safe index', () => {
    const k: LayerTensor = { name: 'k', shape: [1, 1, 3], data: new Float32Array([5, 5, 5]) };
    const r = valueRange(k, 0, 'channel');
    expect(r).toEqual({ min: 5, max: 5 });
    expect(lutIndex(5, r)).toBe(0);
  });
  it('rejects bad channels', () => {
    expect(() => valueRange(t, 2, 'channel')).toThrow(RangeError);
    expect(() => valueRange(t, -1, 'channel')).toThrow(RangeError);
  });
  it('accepts a leading batch axis of 1', () => {
    const b: LayerTensor = { ...t, shape: [1, 2, 2, 2] };
    expect(valueRange(b, 1, 'channel')).toEqual({ min: -8, max: 6 });
  });
});

describe('lutIndex / unionRange', () => {
  it('rounds and clamps', () => {
    const r = { min: 0, max: 1 };
    expect(lutIndex(0.5, r)).toBe(128); // 127.5 rounds up
    expect(lutIndex(0.1, r)).toBe(26); // 25.5 → 26
    expect(lutIndex(-3, r)).toBe(0);
    expect(lutIndex(1e12, r)).toBe(255);
    expect(lutIndex(NaN, r)).toBe(0);
  });
  it('unions layer extents for two-photo comparison', () => {
    const u: LayerTensor = { name: 'u', shape: [1, 1, 2], data: new Float32Array([-1, 9]) };
    expect(unionRange([t, u])).toEqual({ min: -8, max: 9 });
    expect(unionRange([])).toEqual({ min: 0, max: 0 });
  });
});
