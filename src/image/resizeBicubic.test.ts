import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { cropRgb } from './crop';
import { decodePng, lcgImage, loadBicubic } from './fixtures/load';
import { precomputeCoeffs, resizeAndCropPIL, resizeAndCropSource, resizeBicubicPIL, resizeBilinearPIL, rgbaToRgb, type RgbImage } from './resize';

const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

function firstDiff(a: Uint8Array, b: Uint8Array): string | null {
  if (a.length !== b.length) return `length ${a.length} vs ${b.length}`;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return `byte ${i}: ${a[i]} vs ${b[i]}`;
  return null;
}

const fx = loadBicubic();

describe('bicubic taps', () => {
  it('span 4 source pixels when upscaling and 4 x scale when downscaling, with negative lobes', () => {
    const up = precomputeCoeffs(10, 25, 0, 25, 'bicubic');
    expect(up.ksize).toBe(5);
    expect(Math.max(...Array.from({ length: 25 }, (_, i) => up.bounds[i * 2 + 1]!))).toBe(4);
    expect(Array.from(up.kk).some((k) => k < 0)).toBe(true);
    const down = precomputeCoeffs(300, 100, 0, 100, 'bicubic');
    expect(down.ksize).toBe(2 * 6 + 1);
  });

  it('sum to about 1.0 (2^22) and differ from bilinear', () => {
    const c = precomputeCoeffs(451, 354, 0, 354, 'bicubic');
    for (let i = 0; i < 354; i++) {
      let s = 0;
      for (let k = 0; k < c.bounds[i * 2 + 1]!; k++) s += c.kk[i * c.ksize + k]!;
      expect(Math.abs(s - (1 << 22))).toBeLessThanOrEqual(c.ksize);
    }
    expect(Array.from(c.kk)).not.toEqual(Array.from(precomputeCoeffs(451, 354, 0, 354, 'bilinear').kk));
  });
});

describe('resizeBicubicPIL matches Pillow BICUBIC byte for byte', () => {
  for (const c of fx.cases) {
    it(`${c.width}x${c.height} -> ${c.outWidth}x${c.outHeight} (${c.note})`, () => {
      const src: RgbImage = { width: c.width, height: c.height, data: lcgImage(c.seed, c.width, c.height, c.edges) };
      const expected = new Uint8Array(Buffer.from(c.expected, 'base64'));
      const out = resizeBicubicPIL(src, c.outWidth, c.outHeight);
      expect([out.width, out.height]).toEqual([c.outWidth, c.outHeight]);
      expect(firstDiff(out.data, expected)).toBeNull();
      // The RGBA in-place path (the worker's) gives the same bytes.
      const n = c.width * c.height;
      const rgba = new Uint8ClampedArray(n * 4);
      for (let i = 0; i < n; i++) {
        rgba.set(src.data.subarray(i * 3, i * 3 + 3), i * 4);
        rgba[i * 4 + 3] = 255;
      }
      const box = { left: 0, top: 0, width: c.outWidth, height: c.outHeight };
      const got = resizeAndCropSource({ width: c.width, height: c.height, data: rgba, channels: 4 }, c.outWidth, c.outHeight, box, 'bicubic');
      expect(firstDiff(got.data, expected)).toBeNull();
    });
  }

  for (const p of fx.photos) {
    it(`${p.name}.png through transformers' ConvNeXt resize (${p.resized.width}x${p.resized.height}) and crop hashes like PIL`, () => {
      const png = decodePng(p.file);
      const rgb = rgbaToRgb(png.rgba, png.width, png.height);
      const resized = resizeBicubicPIL(rgb, p.resized.width, p.resized.height);
      expect(sha256(resized.data)).toBe(p.resizedSha256);
      const crop = resizeAndCropSource({ width: png.width, height: png.height, data: png.rgba, channels: 4 }, p.resized.width, p.resized.height, p.cropBox, 'bicubic');
      expect(sha256(crop.data)).toBe(p.cropSha256);
    });
  }

  it('is a different image from bilinear (the filter really changes)', () => {
    const src: RgbImage = { width: 40, height: 30, data: lcgImage(5, 40, 30, true) };
    expect(firstDiff(resizeBicubicPIL(src, 17, 13).data, resizeBilinearPIL(src, 17, 13).data)).not.toBeNull();
  });
});

describe('resizeAndCropPIL with bicubic', () => {
  it('equals full resize then crop, for boxes inside, across and outside', () => {
    const src: RgbImage = { width: 37, height: 23, data: lcgImage(77, 37, 23, true) };
    for (const [ow, oh] of [[19, 11], [61, 47], [37, 11]] as const) {
      const full = resizeBicubicPIL(src, ow, oh);
      for (const box of [
        { left: 2, top: 1, width: ow - 4, height: oh - 3 },
        { left: -3, top: -2, width: ow + 5, height: oh + 7 },
        { left: ow + 1, top: 0, width: 3, height: 3 },
      ]) {
        expect(firstDiff(resizeAndCropPIL(src, ow, oh, box, 'bicubic').data, cropRgb(full, box).data)).toBeNull();
      }
    }
  });
});
