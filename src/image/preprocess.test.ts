import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { centerCropBox, cropRgb, resizedSize } from './crop';
import { decodePng, loadPhotoFixture, PHOTOS } from './fixtures/load';
import { toNormalisedCHW } from './normaliseInput';
import { preprocess } from './preprocess';
import { resizeBilinearPIL, rgbaToRgb } from './resize';

const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

describe('preprocess matches torchvision on the sample photos', () => {
  for (const name of PHOTOS) {
    it(name, () => {
      const fx = loadPhotoFixture(name);
      const png = decodePng(fx.file);
      const pre = preprocess(png.rgba, png.width, png.height, fx.spec);

      expect(pre.resized).toEqual(fx.resized);
      expect(resizedSize(png.width, png.height, fx.spec.resizeSize)).toEqual(fx.resized);
      expect(centerCropBox(fx.resized.width, fx.resized.height, fx.spec.cropSize)).toEqual(fx.cropBox);
      expect([pre.crop.width, pre.crop.height]).toEqual([fx.spec.cropSize, fx.spec.cropSize]);
      expect(sha256(pre.crop.data)).toBe(fx.cropSha256);
      expect(fx.cropSamples.indices.map((i) => pre.crop.data[i])).toEqual(fx.cropSamples.values);

      const t = pre.tensor;
      expect(t.length).toBe(3 * fx.spec.cropSize * fx.spec.cropSize);
      let maxErr = 0;
      fx.tensor.indices.forEach((idx, k) => {
        maxErr = Math.max(maxErr, Math.abs(t[idx]! - fx.tensor.values[k]!));
      });
      expect(maxErr).toBeLessThanOrEqual(1e-6);
      // The JSON holds the float32 values exactly, so in practice they are identical.
      expect(fx.tensor.indices.map((i) => t[i])).toEqual(fx.tensor.values);
      let min = Infinity;
      let max = -Infinity;
      let sum = 0;
      for (const v of t) {
        if (v < min) min = v;
        if (v > max) max = v;
        sum += v;
      }
      expect(min).toBe(fx.tensor.min);
      expect(max).toBe(fx.tensor.max);
      expect(Math.abs(sum / t.length - fx.tensor.mean)).toBeLessThan(1e-9);
    });
  }
});

describe('preprocess', () => {
  const spec = { resizeSize: 236, cropSize: 224, mean: [0.485, 0.456, 0.406] as [number, number, number], std: [0.229, 0.224, 0.225] as [number, number, number] };

  it('composites translucent input over white before resizing', () => {
    const w = 50;
    const h = 40;
    const rgba = new Uint8ClampedArray(w * h * 4);
    for (let i = 0; i < w * h; i++) {
      rgba[i * 4] = (i * 7) & 255;
      rgba[i * 4 + 1] = (i * 3) & 255;
      rgba[i * 4 + 2] = 40;
      rgba[i * 4 + 3] = i % 5 === 0 ? 0 : 255;
    }
    const pre = preprocess(rgba, w, h, spec);
    const rs = resizedSize(w, h, 236);
    const expectCrop = cropRgb(resizeBilinearPIL(rgbaToRgb(rgba, w, h), rs.width, rs.height), centerCropBox(rs.width, rs.height, 224));
    expect(Buffer.compare(Buffer.from(pre.crop.data), Buffer.from(expectCrop.data))).toBe(0);
    expect(Array.from(pre.tensor.subarray(0, 100))).toEqual(Array.from(toNormalisedCHW(expectCrop, spec.mean, spec.std).subarray(0, 100)));
      expect(pre.transparent).toBe(true);
  });

  it('reports an opaque image as not transparent', () => {
    const rgba = new Uint8ClampedArray(8 * 8 * 4).fill(255);
    expect(preprocess(rgba, 8, 8, spec).transparent).toBe(false);
  });

  it('zero-pads when the resized image is smaller than the crop', () => {
    const rgba = new Uint8Array(30 * 20 * 4).fill(200); // opaque grey (alpha fixed to 255 below)
    for (let i = 3; i < rgba.length; i += 4) rgba[i] = 255;
    const pre = preprocess(rgba, 30, 20, { ...spec, resizeSize: 100, cropSize: 128 });
    expect(pre.resized).toEqual({ width: 150, height: 100 });
    // top padding (128-100)//2 = 14 rows of zeros, then image
    expect(pre.crop.data[0]).toBe(0);
    expect(pre.crop.data[(14 * 128 + 64) * 3]).toBe(200);
    expect(pre.crop.data[(13 * 128 + 64) * 3]).toBe(0);
  });

  it('rejects a buffer that does not match the size', () => {
    expect(() => preprocess(new Uint8Array(10), 2, 2, spec)).toThrow(RangeError);
  });

  it('handles a 12-megapixel photo in reasonable time', () => {
    const w = 4000;
    const h = 3000;
    const rgba = new Uint8ClampedArray(w * h * 4);
    for (let i = 0; i < rgba.length; i++) rgba[i] = (i * 2654435761) >>> 24;
    for (let i = 3; i < rgba.length; i += 4) rgba[i] = 255;
    const t0 = performance.now();
    const pre = preprocess(rgba, w, h, spec);
    const ms = performance.now() - t0;
    console.info(`preprocess 4000x3000 -> 314x236 -> 224 crop: ${ms.toFixed(0)} ms`);
    expect(pre.resized).toEqual({ width: 314, height: 236 });
    expect(ms).toBeLessThan(10_000);
  });
});

describe('preprocess with NHWC output', () => {
  it('gives the same values as NCHW, interleaved per pixel', () => {
    const fx = loadPhotoFixture(PHOTOS[0]!);
    const png = decodePng(fx.file);
    const chw = preprocess(png.rgba, png.width, png.height, fx.spec).tensor;
    const hwc = preprocess(png.rgba, png.width, png.height, { ...fx.spec, layout: 'NHWC' }).tensor;
    const plane = fx.spec.cropSize * fx.spec.cropSize;
    expect(hwc.length).toBe(chw.length);
    for (const i of [0, 1, 777, plane - 1]) {
      for (let c = 0; c < 3; c++) expect(hwc[i * 3 + c]).toBe(chw[c * plane + i]);
    }
  });
});
