import { describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { pngCover, rgbToI420, y4m } from './y4m';

describe('y4m', () => {
  it('converts RGB to full-range I420', () => {
    // 2x2: white, black, red, blue → Y per pixel, one averaged U and V.
    const img = { width: 2, height: 2, data: Uint8Array.from([255, 255, 255, 0, 0, 0, 255, 0, 0, 0, 0, 255]) };
    const yuv = rgbToI420(img);
    expect(Array.from(yuv.subarray(0, 4))).toEqual([255, 0, 76, 29]);
    // mean RGB = (127.5, 63.75, 127.5)
    expect(yuv[4]).toBe(Math.round(128 - 0.168736 * 127.5 - 0.331264 * 63.75 + 0.5 * 127.5));
    expect(yuv[5]).toBe(Math.round(128 + 0.5 * 127.5 - 0.418688 * 63.75 - 0.081312 * 127.5));
    expect(yuv).toHaveLength(6);
  });

  it('writes the header and one I420 frame per FRAME marker', () => {
    const image = pngCover(resolve(import.meta.dirname, '../public/samples/coffee.png'), 8, 6);
    expect(image).toMatchObject({ width: 8, height: 6 });
    const file = y4m(8, 6, 10, [{ image, frames: 3 }]);
    const header = 'YUV4MPEG2 W8 H6 F10:1 Ip A1:1 C420jpeg\n';
    expect(file.subarray(0, header.length).toString()).toBe(header);
    expect(file.length).toBe(header.length + 3 * ('FRAME\n'.length + 8 * 6 * 1.5));
    expect(() => rgbToI420({ width: 3, height: 2, data: new Uint8Array(18) })).toThrow(RangeError);
  });
});
