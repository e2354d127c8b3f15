import { describe, expect, it } from 'vitest';
import { displayedChannels } from './channelOrder';
import { computeChannelStats } from './stats';

// 4 channels of 2 values: c0 = [0,1] (mean .5), c1 = [3,3] dead, c2 = [-1,5] (mean 2, max 5), c3 = [1,2] (mean 1.5)
const stats = computeChannelStats({ name: 't', shape: [4, 1, 2], data: new Float32Array([0, 1, 3, 3, -1, 5, 1, 2]) });

describe('displayedChannels', () => {
  it('is the plain window in index order', () => {
    expect(displayedChannels(stats, 'index', false, 1, 2).channels).toEqual([1, 2]);
  });
  it('sorts by mean, max and share active, then windows the sorted order', () => {
    expect(displayedChannels(stats, 'mean', false, 0, 4).channels).toEqual([1, 2, 3, 0]);
    expect(displayedChannels(stats, 'max', false, 0, 2).channels).toEqual([2, 1]);
    // share > 0: c0 .5, c1 1, c2 .5, c3 1 → ties keep index order
    expect(displayedChannels(stats, 'active', false, 0, 4).channels).toEqual([1, 3, 0, 2]);
    expect(displayedChannels(stats, 'mean', false, 2, 2).channels).toEqual([3, 0]);
  });
  it('hides dead (constant) channels and clamps the window to what is left', () => {
    const r = displayedChannels(stats, 'mean', true, 0, 10);
    expect(r.channels).toEqual([2, 3, 0]);
    expect(r.total).toBe(3);
    expect(r.window).toEqual({ first: 0, count: 3, last: 2 });
  });
});
