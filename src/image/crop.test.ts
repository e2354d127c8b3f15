import { describe, expect, it } from 'vitest';
import { centerCropBox, cropRgb, pythonRound, resizedSize } from './crop';

describe('pythonRound (round half to even)', () => {
  it.each([
    [0.5, 0],
    [1.5, 2],
    [2.5, 2],
    [3.5, 4],
    [-0.5, 0],
    [-1.5, -2],
    [-2.5, -2],
    [2.4999, 2],
    [2.5001, 3],
    [6.0, 6],
    [65.0, 65],
    [-3.7, -4],
  ])('round(%d) == %d', (x, r) => {
    expect(pythonRound(x)).toBe(r);
  });
});

describe('resizedSize (torchvision Resize(int))', () => {
  it('landscape: height becomes the short side, width truncated', () => {
    expect(resizedSize(600, 400, 236)).toEqual({ width: 354, height: 236 });
    expect(resizedSize(451, 300, 236)).toEqual({ width: 354, height: 236 }); // 354.81 -> 354
    expect(resizedSize(4000, 3000, 236)).toEqual({ width: 314, height: 236 }); // 314.67 -> 314
  });
  it('portrait: width becomes the short side', () => {
    expect(resizedSize(400, 600, 236)).toEqual({ width: 236, height: 354 });
    expect(resizedSize(3000, 4000, 236)).toEqual({ width: 236, height: 314 });
  });
  it('square', () => {
    expect(resizedSize(512, 512, 236)).toEqual({ width: 236, height: 236 });
  });
  it('upscales small images and handles extreme aspect ratios', () => {
    expect(resizedSize(10, 7, 236)).toEqual({ width: 337, height: 236 }); // 337.14
    expect(resizedSize(1, 1000, 236)).toEqual({ width: 236, height: 236000 });
  });
  it('uses double (short*long)/short like Python, not a rounded ratio', () => {
    // 236 * 427 / 640 = 157.4...; 236*640/427 = 353.72 -> 353
    expect(resizedSize(640, 427, 236)).toEqual({ width: 353, height: 236 });
  });
  it('rejects non-positive or fractional sizes', () => {
    expect(() => resizedSize(0, 10, 236)).toThrow(RangeError);
    expect(() => resizedSize(10, 10.5, 236)).toThrow(RangeError);
  });
});

describe('centerCropBox (torchvision CenterCrop)', () => {
  it('even margins', () => {
    expect(centerCropBox(236, 236, 224)).toEqual({ left: 6, top: 6, width: 224, height: 224 });
    expect(centerCropBox(354, 236, 224)).toEqual({ left: 65, top: 6, width: 224, height: 224 });
  });
  it('odd margins round half to even', () => {
    // (225-224)/2 = 0.5 -> 0 ; (227-224)/2 = 1.5 -> 2 ; (229-224)/2 = 2.5 -> 2 ; (355-224)/2 = 65.5 -> 66
    expect(centerCropBox(225, 227, 224)).toMatchObject({ left: 0, top: 2 });
    expect(centerCropBox(229, 355, 224)).toMatchObject({ left: 2, top: 66 });
    expect(centerCropBox(353, 236, 224)).toMatchObject({ left: 64, top: 6 }); // 64.5 -> 64
  });
  it('pads (negative offset) when the image is smaller than the crop', () => {
    // pad left (224-200)//2 = 12; pad top (224-101)//2 = 61 (right/bottom get the extra)
    expect(centerCropBox(200, 101, 224)).toEqual({ left: -12, top: -61, width: 224, height: 224 });
    // only one axis too small: the other is still centre-cropped
    expect(centerCropBox(200, 301, 224)).toEqual({ left: -12, top: 38, width: 224, height: 224 }); // 38.5 -> 38
  });
});

describe('cropRgb', () => {
  const img = { width: 3, height: 2, data: new Uint8Array([1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 5, 5, 5, 6, 6, 6]) };
  it('cuts a window', () => {
    expect(Array.from(cropRgb(img, { left: 1, top: 1, width: 2, height: 1 }).data)).toEqual([5, 5, 5, 6, 6, 6]);
  });
  it('zero-pads outside the image', () => {
    const out = cropRgb(img, { left: -1, top: 0, width: 5, height: 3 });
    const px = (x: number, y: number): number => out.data[(y * 5 + x) * 3]!;
    expect([px(0, 0), px(1, 0), px(3, 0), px(4, 0), px(1, 1), px(3, 1), px(2, 2)]).toEqual([0, 1, 3, 0, 4, 6, 0]);
  });
});
