import { describe, expect, it } from 'vitest';
import { mirrorRgbaInPlace } from './mirror';

const pixels = (width: number, height: number) => Uint8ClampedArray.from({ length: width * height * 4 }, (_, i) => i % 251);

describe('mirrorRgbaInPlace', () => {
  it('swaps each row end for end, keeping each pixel’s RGBA order', () => {
    // 3x2: pixels 0 1 2 / 3 4 5 → 2 1 0 / 5 4 3
    const img = pixels(3, 2);
    const before = img.slice();
    mirrorRgbaInPlace(img, 3, 2);
    const pixel = (data: Uint8ClampedArray, i: number) => Array.from(data.subarray(i * 4, i * 4 + 4));
    expect([2, 1, 0, 5, 4, 3].map((i) => pixel(before, i))).toEqual([0, 1, 2, 3, 4, 5].map((i) => pixel(img, i)));
  });

  it('is its own inverse, for even and odd widths, aligned or not', () => {
    for (const [w, h] of [[1, 1], [2, 3], [5, 4], [640, 2]] as const) {
      const img = pixels(w, h);
      const before = img.slice();
      mirrorRgbaInPlace(img, w, h);
      if (w > 1) expect(img).not.toEqual(before);
      mirrorRgbaInPlace(img, w, h);
      expect(img).toEqual(before);
      // A view at an odd byte offset takes the byte-wise path.
      const backing = new Uint8Array(w * h * 4 + 1);
      backing.set(before, 1);
      const view = backing.subarray(1);
      mirrorRgbaInPlace(view, w, h);
      mirrorRgbaInPlace(view, w, h);
      expect(Array.from(view)).toEqual(Array.from(before));
    }
  });

  it('matches the byte-wise mirror on an unaligned view', () => {
    const img = pixels(4, 2);
    const backing = new Uint8Array(img.length + 2);
    backing.set(img, 2);
    const view = backing.subarray(2);
    mirrorRgbaInPlace(img, 4, 2);
    mirrorRgbaInPlace(view, 4, 2);
    expect(Array.from(view)).toEqual(Array.from(img));
  });

  it('rejects data of the wrong size', () => {
    expect(() => mirrorRgbaInPlace(new Uint8ClampedArray(7), 1, 2)).toThrow(RangeError);
  });
});
