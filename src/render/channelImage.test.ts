import { describe, it, expect } from 'vitest';
import { renderChannel, renderChannelUpscaled, renderMap, renderMeanOverlay } from './channelImage';
import { getLut } from './colormaps';
import { valueRange } from './normalise';
import type { LayerTensor } from './types';

const grey = getLut('grey');
// ch0 = [0, 1, 2, 3] (2×2), ch1 = [-1, 0, 1, 7]
const t: LayerTensor = { name: 't', shape: [2, 2, 2], data: new Float32Array([0, 1, 2, 3, -1, 0, 1, 7]) };

/** Red channel of each pixel; with the grey LUT this equals the LUT index. */
const reds = (px: Uint8ClampedArray) => [...px].filter((_, i) => i % 4 === 0);

describe('renderChannel', () => {
  it('maps values through the LUT with rounding', () => {
    const out = new Uint8ClampedArray(16);
    renderChannel(out, t, 0, { min: 0, max: 3 }, grey);
    expect(reds(out)).toEqual([0, 85, 170, 255]);
    expect([...out.slice(0, 4)]).toEqual([0, 0, 0, 255]);
  });
  it('clamps values outside the range (also huge ones)', () => {
    const out = new Uint8ClampedArray(16);
    renderChannel(out, t, 1, { min: 0, max: 1 }, grey);
    expect(reds(out)).toEqual([0, 0, 255, 255]);
    const h: LayerTensor = { name: 'h', shape: [1, 1, 2], data: new Float32Array([1e30, -1e30]) };
    const o2 = new Uint8ClampedArray(8);
    renderChannel(o2, h, 0, { min: 0, max: 1 }, grey);
    expect(reds(o2)).toEqual([255, 0]);
  });
  it('writes exact LUT colours for a coloured map', () => {
    const lut = getLut('viridis');
    const out = new Uint8ClampedArray(16);
    renderChannel(out, t, 0, { min: 0, max: 3 }, lut);
    expect([...out.slice(12, 16)]).toEqual([...lut.slice(255 * 4, 256 * 4)]);
    expect([...out.slice(4, 8)]).toEqual([...lut.slice(85 * 4, 86 * 4)]);
  });
  it('symmetric range puts 0 in the LUT middle', () => {
    const out = new Uint8ClampedArray(16);
    renderChannel(out, t, 1, valueRange(t, 1, 'symmetric'), grey);
    expect(reds(out)[1]).toBe(128);
    expect(reds(out)[3]).toBe(255);
  });
  it('constant channel and NaN draw index 0, never garbage', () => {
    const k: LayerTensor = { name: 'k', shape: [1, 1, 3], data: new Float32Array([5, 5, NaN]) };
    const out = new Uint8ClampedArray(12).fill(7);
    renderChannel(out, k, 0, valueRange(k, 0, 'channel'), grey);
    expect([...out]).toEqual([0, 0, 0, 255, 0, 0, 0, 255, 0, 0, 0, 255]);
  });
  it('works on a misaligned output view and rejects short buffers', () => {
    const backing = new Uint8ClampedArray(17);
    const out = backing.subarray(1);
    renderChannel(out, t, 0, { min: 0, max: 3 }, grey);
    expect(reds(out)).toEqual([0, 85, 170, 255]);
    expect(() => renderChannel(new Uint8ClampedArray(15), t, 0, { min: 0, max: 3 }, grey)).toThrow(RangeError);
    expect(() => renderChannel(new Uint8ClampedArray(16), t, 2, { min: 0, max: 3 }, grey)).toThrow(RangeError);
  });
  it('renderMap renders a flat map', () => {
    const out = new Uint8ClampedArray(8);
    renderMap(out, new Float32Array([2, 4]), { min: 2, max: 4 }, grey);
    expect(reds(out)).toEqual([0, 255]);
  });
});

describe('renderChannelUpscaled', () => {
  it('nearest-neighbour blocks are pixel exact at integer factors', () => {
    const out = new Uint8ClampedArray(4 * 4 * 4);
    renderChannelUpscaled(out, 4, 4, t, 0, { min: 0, max: 3 }, grey);
    // prettier-ignore
    expect(reds(out)).toEqual([
      0, 0, 85, 85,
      0, 0, 85, 85,
      170, 170, 255, 255,
      170, 170, 255, 255,
    ]);
    expect(out[3]).toBe(255);
  });
  it('handles non-integer factors and identity size', () => {
    const out = new Uint8ClampedArray(3 * 1 * 4);
    renderChannelUpscaled(out, 3, 1, t, 0, { min: 0, max: 3 }, grey);
    expect(reds(out)).toEqual([0, 0, 85]);
    const same = new Uint8ClampedArray(16);
    const ref = new Uint8ClampedArray(16);
    renderChannelUpscaled(same, 2, 2, t, 1, { min: -1, max: 7 }, grey);
    renderChannel(ref, t, 1, { min: -1, max: 7 }, grey);
    expect([...same]).toEqual([...ref]);
  });
});

describe('renderMeanOverlay', () => {
  const map = new Float32Array([0, 1, 2, 3]); // 2×2
  it('nearest upsampling with constant alpha', () => {
    const out = new Uint8ClampedArray(4 * 4 * 4);
    renderMeanOverlay(out, 4, 4, map, 2, 2, { min: 0, max: 3 }, grey, { alpha: 0.5, interpolation: 'nearest' });
    expect(reds(out).slice(0, 4)).toEqual([0, 0, 85, 85]);
    expect(reds(out).slice(12, 16)).toEqual([170, 170, 255, 255]);
    expect(out[3]).toBe(128); // round(127.5)
  });
  it('bilinear upsampling interpolates values with centre alignment', () => {
    const out = new Uint8ClampedArray(4 * 1 * 4);
    const row = new Float32Array([0, 4]); // 2×1
    renderMeanOverlay(out, 4, 1, row, 2, 1, { min: 0, max: 4 }, grey, { alpha: 1 });
    // sample positions -0.25→0, 0.25, 0.75, 1.25→1 → values 0, 1, 3, 4
    expect(reds(out)).toEqual([0, 64, 191, 255]);
    expect(out[3]).toBe(255);
  });
  it('alphaFromValue fades low values', () => {
    const out = new Uint8ClampedArray(2 * 4);
    renderMeanOverlay(out, 2, 1, new Float32Array([0, 4]), 2, 1, { min: 0, max: 4 }, grey, {
      alpha: 1,
      alphaFromValue: true,
      interpolation: 'nearest',
    });
    expect([out[3], out[7]]).toEqual([0, 255]);
  });
});
