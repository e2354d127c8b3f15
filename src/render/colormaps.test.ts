import { describe, it, expect } from 'vitest';
import { interpolateCividis, interpolateMagma, interpolateRdBu, interpolateViridis } from 'd3-scale-chromatic';
import { COLORMAPS, cssGradient, getLut, isColormapId, parseColour, type ColormapId } from './colormaps';

const rgbAt = (lut: Uint8ClampedArray, i: number) => [lut[i * 4], lut[i * 4 + 1], lut[i * 4 + 2], lut[i * 4 + 3]];

describe('parseColour', () => {
  it('parses the formats d3 emits', () => {
    expect(parseColour('#440154')).toEqual([0x44, 0x01, 0x54]);
    expect(parseColour('#fff')).toEqual([255, 255, 255]);
    expect(parseColour('rgb(68, 1, 84)')).toEqual([68, 1, 84]);
    expect(parseColour('rgba(1,2,3,0.5)')).toEqual([1, 2, 3]);
    expect(parseColour(' RGB(0, 32.4, 81) ')).toEqual([0, 32, 81]);
  });
  it('rejects garbage loudly', () => {
    expect(() => parseColour('steelblue')).toThrow(/Unrecognised/);
    expect(() => parseColour('#12')).toThrow();
  });
});

describe('getLut', () => {
  it('has 256 opaque RGBA entries for every map and is memoised', () => {
    for (const { id } of COLORMAPS) {
      const lut = getLut(id);
      expect(lut).toBeInstanceOf(Uint8ClampedArray);
      expect(lut.length).toBe(1024);
      for (let i = 0; i < 256; i++) expect(lut[i * 4 + 3]).toBe(255);
      expect(getLut(id)).toBe(lut);
    }
  });

  it('endpoints equal d3 first/last colours', () => {
    const cases: [ColormapId, (t: number) => string][] = [
      ['viridis', interpolateViridis],
      ['magma', interpolateMagma],
      ['cividis', interpolateCividis],
    ];
    for (const [id, f] of cases) {
      const lut = getLut(id);
      expect(rgbAt(lut, 0)).toEqual([...parseColour(f(0)), 255]);
      expect(rgbAt(lut, 255)).toEqual([...parseColour(f(1)), 255]);
      expect(rgbAt(lut, 100)).toEqual([...parseColour(f(100 / 255)), 255]);
    }
    expect(rgbAt(getLut('viridis'), 0)).toEqual([0x44, 0x01, 0x54, 255]);
    expect(rgbAt(getLut('viridis'), 255)).toEqual([0xfd, 0xe7, 0x25, 255]);
  });

  it('grey is a plain linear ramp', () => {
    const lut = getLut('grey');
    expect(rgbAt(lut, 0)).toEqual([0, 0, 0, 255]);
    expect(rgbAt(lut, 128)).toEqual([128, 128, 128, 255]);
    expect(rgbAt(lut, 255)).toEqual([255, 255, 255, 255]);
  });

  it('diverging is blue for negative, red for positive, near-white in the middle', () => {
    const lut = getLut('diverging');
    expect(rgbAt(lut, 0)).toEqual([...parseColour(interpolateRdBu(1)), 255]);
    expect(rgbAt(lut, 255)).toEqual([...parseColour(interpolateRdBu(0)), 255]);
    const [r0, , b0] = rgbAt(lut, 0) as number[];
    const [r1, , b1] = rgbAt(lut, 255) as number[];
    expect(b0!).toBeGreaterThan(r0!);
    expect(r1!).toBeGreaterThan(b1!);
    for (const i of [127, 128]) {
      const [r, g, b] = rgbAt(lut, i) as number[];
      expect(Math.min(r!, g!, b!)).toBeGreaterThan(225);
    }
    expect(COLORMAPS.find((c) => c.id === 'diverging')?.diverging).toBe(true);
    expect(COLORMAPS.filter((c) => c.diverging)).toHaveLength(1);
  });

  it('isColormapId guards ids', () => {
    expect(isColormapId('magma')).toBe(true);
    expect(isColormapId('jet')).toBe(false);
    expect(isColormapId('toString')).toBe(false);
  });
});

describe('cssGradient', () => {
  it('builds a left-to-right gradient from LUT colours', () => {
    const g = cssGradient('viridis', 3);
    expect(g).toBe('linear-gradient(to right, rgb(68, 1, 84) 0%, ' + `rgb(${[...getLut('viridis').slice(128 * 4, 128 * 4 + 3)].join(', ')}) 50%, rgb(253, 231, 37) 100%)`);
    expect(cssGradient('grey').match(/rgb\(/g)).toHaveLength(16);
    expect(cssGradient('grey', 1).match(/rgb\(/g)).toHaveLength(2);
  });
});
