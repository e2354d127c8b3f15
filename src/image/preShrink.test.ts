import { describe, expect, it } from 'vitest';
import { MAX_DECODE_SIDE, preShrinkSize } from './preShrink';

describe('preShrinkSize', () => {
  it('leaves photos up to the limit alone', () => {
    expect(preShrinkSize(4032, 3024)).toBeNull();
    expect(preShrinkSize(MAX_DECODE_SIDE, 10)).toBeNull();
    expect(preShrinkSize(1, 1)).toBeNull();
  });
  it('shrinks the long side to the limit, keeping the aspect ratio', () => {
    expect(preShrinkSize(16000, 12000)).toEqual({ width: 4096, height: 3072 });
    expect(preShrinkSize(12000, 16000)).toEqual({ width: 3072, height: 4096 });
  });
  it('never shrinks a side to zero', () => {
    expect(preShrinkSize(100000, 2)).toEqual({ width: 4096, height: 1 });
  });
});
