import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../testing/seededRandom';
import { pngFrameCount } from './pngFrames';

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const u32 = (n: number) => [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];
/** One chunk: length, type, data, a CRC of zeros (the scan never checks it). */
const chunk = (name: string, data: number[] = []) => [...u32(data.length), ...[...name].map((c) => c.charCodeAt(0)), ...data, 0, 0, 0, 0];
const png = (...chunks: number[][]) => new Uint8Array([...SIGNATURE, ...chunks.flat()]);
const IHDR = chunk('IHDR', [...u32(2), ...u32(2), 8, 6, 0, 0, 0]);

describe('pngFrameCount', () => {
  it('counts one frame in a still PNG, from the samples the app ships', () => {
    const coffee = new Uint8Array(readFileSync(resolve(import.meta.dirname, '../../public/samples/coffee.png')));
    expect(pngFrameCount(coffee)).toBe(1);
    expect(pngFrameCount(png(IHDR, chunk('sRGB', [0]), chunk('IDAT', [1, 2, 3]), chunk('IEND')))).toBe(1);
  });
  it('reads the frame count an APNG declares before its image data', () => {
    expect(pngFrameCount(png(IHDR, chunk('acTL', [...u32(12), ...u32(0)]), chunk('fcTL', new Array(26).fill(0)), chunk('IDAT', [1])))).toBe(12);
  });
  it('ignores an acTL after the image data, and one that declares no frames', () => {
    expect(pngFrameCount(png(IHDR, chunk('IDAT', [1]), chunk('acTL', [...u32(5), ...u32(0)])))).toBe(1);
    expect(pngFrameCount(png(IHDR, chunk('acTL', [...u32(0), ...u32(0)]), chunk('IDAT', [1])))).toBe(1);
  });
  it('says null for other files and for a PNG that ends before its image data', () => {
    expect(pngFrameCount(new Uint8Array([0xff, 0xd8, 0xff, 0xe0]))).toBeNull();
    expect(pngFrameCount(png(IHDR))).toBeNull();
    expect(pngFrameCount(png(IHDR).slice(0, 20))).toBeNull();
    expect(pngFrameCount(png(IHDR, chunk('acTL', [...u32(3), ...u32(0)])).slice(0, 41 + 4))).toBeNull();
  });
  it('survives random bytes and corrupted PNGs (fuzz): a count ≥ 1 or null, never a throw', () => {
    const random = seededRandom(28);
    const base = png(IHDR, chunk('acTL', [...u32(4), ...u32(0)]), chunk('IDAT', [1, 2, 3]), chunk('IEND'));
    for (let i = 0; i < 5000; i++) {
      const b = i % 2 === 0 ? Uint8Array.from({ length: Math.floor(random() * 80) }, () => Math.floor(random() * 256)) : base.slice(0, Math.floor(random() * (base.length + 1)));
      if (i % 4 === 1) for (let j = 0; j < 3; j++) b[8 + Math.floor(random() * Math.max(1, b.length - 8))] = Math.floor(random() * 256);
      const n = pngFrameCount(b);
      expect(n === null || (Number.isInteger(n) && n >= 1)).toBe(true);
    }
  });
});
