import { describe, expect, it } from 'vitest';
import { loadSynthetic } from './fixtures/load';
import { cropToRgba, normaliseLut, toNormalisedCHW } from './normaliseInput';

const bitsOf = (a: Float32Array): number[] => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

describe('normaliseLut', () => {
  it('equals torchvision ToTensor+Normalize bit for bit for all 256 byte values', () => {
    const { normaliseLut: ref } = loadSynthetic();
    const lut = normaliseLut(ref.mean, ref.std);
    for (let c = 0; c < 3; c++) expect(bitsOf(lut[c]!)).toEqual(ref.float32Bits[c]);
  });
});

describe('toNormalisedCHW', () => {
  it('is channel-major and applies per-channel mean/std', () => {
    // 2x1 image: pixel0 = (0, 255, 51), pixel1 = (255, 0, 102)
    const t = toNormalisedCHW({ width: 2, height: 1, data: new Uint8Array([0, 255, 51, 255, 0, 102]) }, [0.5, 0, 0.2], [0.5, 1, 0.2]);
    expect(t.length).toBe(6);
    expect(Array.from(t)).toEqual([-1, 1, 1, 0, 0, 1].map(Math.fround).map((v, i) => (i === 5 ? t[5]! : v)));
    expect(t[5]).toBeCloseTo(1, 6);
  });
  it('rejects a wrong-sized buffer', () => {
    expect(() => toNormalisedCHW({ width: 2, height: 2, data: new Uint8Array(11) }, [0, 0, 0], [1, 1, 1])).toThrow(RangeError);
  });
});

describe('cropToRgba', () => {
  it('adds opaque alpha', () => {
    expect(Array.from(cropToRgba({ width: 2, height: 1, data: new Uint8Array([1, 2, 3, 4, 5, 6]) }))).toEqual([1, 2, 3, 255, 4, 5, 6, 255]);
  });
});
