import { describe, expect, it } from 'vitest';
import { occlusionBatches, occlusionGrid, writeOccluded } from './occlusionPlan';

describe('occlusionGrid', () => {
  it('224 px, P=32, S=16 gives 13×13 patches', () => {
    expect(occlusionGrid(224, 32, 16)).toEqual({ patch: 32, stride: 16, rows: 13, cols: 13 });
  });
  it('a patch larger than the crop covers it once; bad numbers are refused', () => {
    expect(occlusionGrid(64, 100, 8)).toEqual({ patch: 64, stride: 8, rows: 1, cols: 1 });
    expect(occlusionGrid(10, 3, 4)).toEqual({ patch: 3, stride: 4, rows: 2, cols: 2 });
    expect(() => occlusionGrid(224, 0, 16)).toThrow(/patch/);
    expect(() => occlusionGrid(224, 32, 1.5)).toThrow(/stride/);
  });
});

describe('occlusionBatches', () => {
  it('groups up to the batch size where the batch is dynamic, one by one where it is fixed', () => {
    expect(occlusionBatches(169, true, 8)).toHaveLength(22);
    expect(occlusionBatches(169, true, 8).at(-1)).toEqual([168, 169]);
    expect(occlusionBatches(3, false)).toEqual([[0, 1], [1, 2], [2, 3]]);
  });
});

describe('writeOccluded', () => {
  const size = 4;
  const base = Float32Array.from({ length: 3 * size * size }, (_, i) => i + 1);
  const grid = occlusionGrid(size, 2, 2); // 2×2 patches

  it('NCHW: zeroes the patch in all three channels of its slot, leaves the rest', () => {
    const out = new Float32Array(2 * base.length).fill(-1);
    writeOccluded(out, 1, base, size, 'NCHW', grid, 3); // bottom-right patch
    expect(out.subarray(0, base.length).every((v) => v === -1)).toBe(true);
    const slot = out.subarray(base.length);
    for (let c = 0; c < 3; c++) {
      for (let y = 0; y < size; y++) {
        for (let x = 0; x < size; x++) {
          const i = c * 16 + y * 4 + x;
          expect(slot[i]).toBe(y >= 2 && x >= 2 ? 0 : base[i]);
        }
      }
    }
  });

  it('NHWC: zeroes the three values of each covered pixel', () => {
    const out = new Float32Array(base.length);
    writeOccluded(out, 0, base, size, 'NHWC', grid, 1); // top-right patch
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        for (let c = 0; c < 3; c++) {
          const i = (y * 4 + x) * 3 + c;
          expect(out[i]).toBe(y < 2 && x >= 2 ? 0 : base[i]);
        }
      }
    }
  });
});
