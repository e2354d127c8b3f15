import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { floorCenterCropBox, centerCropBox, cropRgb } from './crop';
import { decodePng, lcgImage, loadBicubic } from './fixtures/load';
import { normaliseLut } from './normaliseInput';
import { preprocess, type PreprocessSpec } from './preprocess';
import { resizeBicubicPIL, resizeBilinearPIL } from './resize';

const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');
const fx = loadBicubic();
const HF: PreprocessSpec = {
  resizeSize: 256, cropSize: 224, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225],
  interpolation: 'bicubic', resizeMode: 'shorter', convention: 'transformers', rescaleFactor: 1 / 255,
};

function opaque(rgb: Uint8Array): Uint8Array {
  const out = new Uint8Array((rgb.length / 3) * 4);
  for (let i = 0, o = 0; i < rgb.length; i += 3, o += 4) {
    out.set(rgb.subarray(i, i + 3), o);
    out[o + 3] = 255;
  }
  return out;
}

describe("floorCenterCropBox (transformers' center_crop)", () => {
  it('floors odd differences where torchvision rounds half to even', () => {
    expect(floorCenterCropBox(257, 260, 224)).toEqual({ left: 16, top: 18, width: 224, height: 224 });
    expect(centerCropBox(257, 260, 224)).toEqual({ left: 16, top: 18, width: 224, height: 224 });
    expect(floorCenterCropBox(259, 224, 224).left).toBe(17);
    expect(centerCropBox(259, 224, 224).left).toBe(18); // round(17.5) = 18
  });

  it('pads ceil((crop - size) / 2) before when the image is smaller', () => {
    expect(floorCenterCropBox(201, 224, 224)).toEqual({ left: -12, top: 0, width: 224, height: 224 });
    expect(centerCropBox(201, 224, 224).left).toBe(-11);
  });
});

describe('preprocess with transformers ConvNeXt settings (bicubic, floor crop, rescale)', () => {
  for (const p of fx.photos) {
    it(`${p.name}: the crop is PIL's bytes and the tensor is transformers' values`, () => {
      const png = decodePng(p.file);
      const pre = preprocess(png.rgba, png.width, png.height, HF);
      expect(pre.resized).toEqual(p.resized);
      expect(sha256(pre.crop.data)).toBe(p.cropSha256);
      // Every tensor value is the transformers LUT entry of its crop byte.
      const bits = new Uint32Array(pre.tensor.buffer, pre.tensor.byteOffset, pre.tensor.length);
      const plane = 224 * 224;
      for (let i = 0; i < plane; i += 97) {
        for (let c = 0; c < 3; c++) expect(bits[c * plane + i]).toBe(fx.transformersLut.float32Bits[c]![pre.crop.data[i * 3 + c]!]);
      }
    });
  }

  it("normaliseLut with a rescale factor is transformers' rescale + normalize for every byte", () => {
    const t = fx.transformersLut;
    const check = (mean: [number, number, number], std: [number, number, number], expected: number[][]) => {
      normaliseLut(mean, std, t.rescaleFactor).forEach((lut, c) => expect(Array.from(new Uint32Array(lut.buffer))).toEqual(expected[c]));
    };
    check(t.mean, t.std, t.float32Bits);
    check([0, 0, 0], [1, 1, 1], t.rescaleOnlyBits);
    check([0.5, 0.5, 0.5], [0.5, 0.5, 0.5], t.halfBits);
  });

  it('do_rescale false feeds the raw byte values', () => {
    const lut = normaliseLut([0, 0, 0], [1, 1, 1], 1)[0]!;
    expect(lut[0]).toBe(0);
    expect(lut[200]).toBe(200);
  });
});

describe('preprocess in warp mode', () => {
  it('squeezes the whole photo to the square (no crop), with the chosen filter', () => {
    const w = 61;
    const h = 37;
    const rgb = lcgImage(31, w, h, true);
    for (const interpolation of ['bilinear', 'bicubic'] as const) {
      const pre = preprocess(opaque(rgb), w, h, { ...HF, resizeSize: 48, cropSize: 48, resizeMode: 'warp', interpolation });
      const expected = (interpolation === 'bicubic' ? resizeBicubicPIL : resizeBilinearPIL)({ width: w, height: h, data: rgb }, 48, 48);
      expect(pre.resized).toEqual({ width: 48, height: 48 });
      expect(Buffer.from(pre.crop.data).equals(Buffer.from(expected.data))).toBe(true);
    }
  });

  it('warps then crops when resizeSize > cropSize (DeiT)', () => {
    const rgb = lcgImage(32, 50, 30, false);
    const pre = preprocess(opaque(rgb), 50, 30, { ...HF, resizeSize: 40, cropSize: 33, resizeMode: 'warp' });
    const full = resizeBicubicPIL({ width: 50, height: 30, data: rgb }, 40, 40);
    expect(Buffer.from(pre.crop.data).equals(Buffer.from(cropRgb(full, floorCenterCropBox(40, 40, 33)).data))).toBe(true);
  });
});
