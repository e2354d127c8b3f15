import { describe, expect, it } from 'vitest';
import { readbackLayout } from './gpuReadback';

describe('readbackLayout', () => {
  it('packs the parts end to end', () => {
    expect(readbackLayout([16, 4, 0, 8])).toEqual({ offsets: [0, 16, 20, 20], totalBytes: 28 });
  });

  it('refuses a part that is not whole 4-byte words (copyBufferToBuffer would fail on the GPU)', () => {
    expect(() => readbackLayout([6])).toThrow(RangeError);
  });
});
