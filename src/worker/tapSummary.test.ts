import { describe, expect, it } from 'vitest';
import { summariseTap } from './tapSummary';
import { transferablesOf, type RunResult } from './protocol';

describe('summariseTap', () => {
  it('gives per-channel stats and the mean map of a [C,H,W] tap', () => {
    // ch0 = [1,2,3,4], ch1 = [-1,0,1,8]
    const { stats, meanMap } = summariseTap(new Float32Array([1, 2, 3, 4, -1, 0, 1, 8]), [2, 2, 2]);
    expect([...stats.mean]).toEqual([2.5, 2]);
    expect([...stats.fracPositive]).toEqual([1, 0.5]);
    expect([...meanMap]).toEqual([0, 1, 2, 6]);
  });

  it('reads logits [N] as N one-pixel channels', () => {
    const { stats, meanMap } = summariseTap(new Float32Array([3, -2, 5]), [3]);
    expect(stats.channels).toBe(3);
    expect([...stats.max]).toEqual([3, -2, 5]);
    expect(meanMap[0]).toBe(2);
  });

  it('puts every stats buffer in the transfer list, once', () => {
    const data = new Float32Array(8);
    const tap = { name: 't', dims: [1, 2, 2, 2], data, ...summariseTap(data, [2, 2, 2]) };
    const result = { taps: [tap], crop: { width: 1, height: 1, data: new Uint8ClampedArray(4) } } as unknown as RunResult;
    const buffers = transferablesOf(result);
    expect(buffers).toContain(tap.stats.mean.buffer);
    expect(buffers).toContain(tap.meanMap.buffer);
    expect(new Set(buffers).size).toBe(buffers.length);
    expect(buffers.length).toBe(1 + 1 + 5 + 1);
  });
});
