import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { cropRgb } from './crop';
import { decodePng, lcgImage, loadPhotoFixture, loadSynthetic, PHOTOS } from './fixtures/load';
import { isOpaque, precomputeCoeffs, resizeAndCropPIL, resizeAndCropSource, resizeBilinearPIL, rgbaToRgb, type RgbImage } from './resize';

const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

/** Index and values of the first differing byte, so a failure says where, not just "not equal". */
function firstDiff(a: Uint8Array, b: Uint8Array): string | null {
  if (a.length !== b.length) return `length ${a.length} vs ${b.length}`;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return `byte ${i}: ${a[i]} vs ${b[i]}`;
  return null;
}

describe('precomputeCoeffs', () => {
  it('gives identity taps when the size is unchanged', () => {
    const c = precomputeCoeffs(5, 5);
    for (let i = 0; i < 5; i++) {
      expect(c.bounds[i * 2]).toBe(i);
      expect(c.kk[i * c.ksize]).toBe(1 << 22);
    }
  });

  it('taps of a sub-range equal the same rows of the full table', () => {
    const full = precomputeCoeffs(4000, 314);
    const part = precomputeCoeffs(4000, 314, 45, 224);
    expect(part.ksize).toBe(full.ksize);
    expect(Array.from(part.bounds)).toEqual(Array.from(full.bounds.subarray(90, 90 + 448)));
    expect(Array.from(part.kk)).toEqual(Array.from(full.kk.subarray(45 * full.ksize, (45 + 224) * full.ksize)));
  });

  it('fixed-point taps sum to about 1.0 (2^22)', () => {
    const c = precomputeCoeffs(451, 354);
    for (let i = 0; i < 354; i++) {
      let s = 0;
      for (let k = 0; k < c.bounds[i * 2 + 1]!; k++) s += c.kk[i * c.ksize + k]!;
      expect(Math.abs(s - (1 << 22))).toBeLessThanOrEqual(c.ksize);
    }
  });
});

describe('resizeBilinearPIL matches Pillow byte for byte', () => {
  const syn = loadSynthetic();
  for (const c of syn.cases) {
    it(`${c.width}x${c.height} -> ${c.outWidth}x${c.outHeight} (${c.note})`, () => {
      const src: RgbImage = { width: c.width, height: c.height, data: lcgImage(c.seed, c.width, c.height, c.edges) };
      const out = resizeBilinearPIL(src, c.outWidth, c.outHeight);
      expect(out.width).toBe(c.outWidth);
      expect(out.height).toBe(c.outHeight);
      const expected = new Uint8Array(Buffer.from(c.expected, 'base64'));
      expect(firstDiff(out.data, expected)).toBeNull();

      // RGBA input: the uint32 path (4-byte aligned) and the byte path (misaligned view) must agree with PIL too.
      const n = c.width * c.height;
      const backing = new Uint8ClampedArray(n * 4 + 1);
      for (const offset of [0, 1]) {
        const rgba = backing.subarray(offset, offset + n * 4);
        for (let i = 0; i < n; i++) {
          rgba.set(src.data.subarray(i * 3, i * 3 + 3), i * 4);
          rgba[i * 4 + 3] = 255;
        }
        const box = { left: 0, top: 0, width: c.outWidth, height: c.outHeight };
        const got = resizeAndCropSource({ width: c.width, height: c.height, data: rgba, channels: 4 }, c.outWidth, c.outHeight, box);
        expect(firstDiff(got.data, expected)).toBeNull();
      }
    });
  }

  for (const name of PHOTOS) {
    it(`${name}.png resized to 236 short side hashes like torchvision`, () => {
      const fx = loadPhotoFixture(name);
      const png = decodePng(fx.file);
      expect([png.width, png.height]).toEqual([fx.source.width, fx.source.height]);
      expect(isOpaque(png.rgba)).toBe(true);
      const rgb = rgbaToRgb(png.rgba, png.width, png.height);
      const out = resizeBilinearPIL(rgb, fx.resized.width, fx.resized.height);
      expect(sha256(out.data)).toBe(fx.resizedSha256);
      // The in-place RGBA path used by preprocess gives the same bytes.
      const fromRgba = resizeAndCropSource({ width: png.width, height: png.height, data: png.rgba, channels: 4 }, fx.resized.width, fx.resized.height, {
        left: 0,
        top: 0,
        width: fx.resized.width,
        height: fx.resized.height,
      });
      expect(sha256(fromRgba.data)).toBe(fx.resizedSha256);
    });
  }
});

describe('resizeAndCropPIL', () => {
  const cases: [number, number, number, number][] = [
    [37, 23, 19, 11], // downscale
    [9, 6, 31, 17], // upscale
    [37, 23, 37, 11], // vertical only
    [37, 23, 19, 23], // horizontal only
    [12, 12, 12, 12], // identity
  ];
  for (const [w, h, ow, oh] of cases) {
    it(`equals full resize then crop for ${w}x${h} -> ${ow}x${oh}, boxes inside, across and outside`, () => {
      const src: RgbImage = { width: w, height: h, data: lcgImage(w * 31 + h, w, h, false) };
      const full = resizeBilinearPIL(src, ow, oh);
      const boxes = [
        { left: 0, top: 0, width: ow, height: oh },
        { left: 1, top: 2, width: Math.max(1, ow - 3), height: Math.max(1, oh - 4) },
        { left: ow - 1, top: oh - 1, width: 1, height: 1 },
        { left: -3, top: -2, width: ow + 5, height: oh + 7 }, // padded on every side
        { left: -2, top: 1, width: ow + 4, height: Math.max(1, oh - 2) }, // padded on one axis
        { left: ow + 2, top: 0, width: 4, height: 4 }, // entirely outside: all zeros
      ];
      for (const box of boxes) {
        const got = resizeAndCropPIL(src, ow, oh, box);
        expect([got.width, got.height]).toEqual([box.width, box.height]);
        expect(firstDiff(got.data, cropRgb(full, box).data)).toBeNull();
      }
    });
  }

  it('equals full resize then crop on a photo-sized random image', () => {
    const src: RgbImage = { width: 801, height: 533, data: lcgImage(99, 801, 533, false) };
    const full = resizeBilinearPIL(src, 354, 236);
    const box = { left: 65, top: 6, width: 224, height: 224 };
    expect(firstDiff(resizeAndCropPIL(src, 354, 236, box).data, cropRgb(full, box).data)).toBeNull();
  });

  it('rejects bad sizes and mismatched buffers', () => {
    const src: RgbImage = { width: 2, height: 2, data: new Uint8Array(12) };
    expect(() => resizeBilinearPIL(src, 0, 3)).toThrow(RangeError);
    expect(() => resizeBilinearPIL(src, 1.5, 3)).toThrow(RangeError);
    expect(() => resizeBilinearPIL({ ...src, data: new Uint8Array(11) }, 3, 3)).toThrow(RangeError);
  });
});

describe('rgbaToRgb', () => {
  it('drops alpha for opaque pixels', () => {
    const out = rgbaToRgb(new Uint8ClampedArray([10, 20, 30, 255, 200, 100, 0, 255]), 2, 1);
    expect(Array.from(out.data)).toEqual([10, 20, 30, 200, 100, 0]);
    expect([out.width, out.height]).toEqual([2, 1]);
  });

  it('composites over white by default', () => {
    const out = rgbaToRgb(new Uint8Array([0, 0, 0, 0, 0, 0, 0, 128, 255, 0, 100, 51]), 3, 1);
    // transparent -> background; 50% black over white -> round(127*255/255)=127; partial: round((c*a + 255*(255-a))/255)
    expect(Array.from(out.data)).toEqual([
      255, 255, 255,
      127, 127, 127,
      Math.round((255 * 51 + 255 * 204) / 255), Math.round((0 * 51 + 255 * 204) / 255), Math.round((100 * 51 + 255 * 204) / 255),
    ]);
  });

  it('uses a custom background, or none (PIL convert("RGB") semantics)', () => {
    const px = new Uint8Array([200, 100, 50, 0, 200, 100, 50, 255]);
    expect(Array.from(rgbaToRgb(px, 2, 1, [1, 2, 3]).data)).toEqual([1, 2, 3, 200, 100, 50]);
    expect(Array.from(rgbaToRgb(px, 2, 1, null).data)).toEqual([200, 100, 50, 200, 100, 50]);
  });

  it('rounds to nearest', () => {
    // c=255 a=1 over black: 255*1/255 = 1; c=128 a=128 over black: 16384/255 = 64.25 -> 64; c=255 a=129 over 0: 129
    const out = rgbaToRgb(new Uint8Array([255, 128, 255, 1, 128, 128, 128, 128, 255, 255, 255, 129]), 3, 1, [0, 0, 0]);
    expect(Array.from(out.data)).toEqual([1, 1, 1, 64, 64, 64, 129, 129, 129]);
  });

  it('checks the buffer length', () => {
    expect(() => rgbaToRgb(new Uint8Array(7), 2, 1)).toThrow(RangeError);
  });
});
