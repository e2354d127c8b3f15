import { describe, expect, it } from 'vitest';
import { addPhotoTap, channelExamples, createTopK, tapGeometry, topKBuffers } from './topK';

const geometry = [{ name: 'a', channels: 2, height: 2, width: 3 }];

function add(state: ReturnType<typeof createTopK>, photo: number, values: number[]): Float32Array {
  const means = new Float32Array(state.totalChannels);
  addPhotoTap(state, 0, photo, Float32Array.from(values), means);
  return means;
}

describe('topK', () => {
  it('keeps each channel\'s maximum, its first position, and the mean', () => {
    const s = createTopK('m', geometry, 3);
    // channel 0: max 5 at (1, 0) and again at (1, 2): the first wins; channel 1: max 1 at (0, 1).
    const means = add(s, 7, [0, 1, 2, 5, 4, 5, /**/ -1, 1, -3, -2, -2, -5]);
    expect(Array.from(means)).toEqual([Math.fround(17 / 6), -2]);
    expect(channelExamples(s.taps[0]!, 3, 0)).toEqual([{ rank: 1, photo: 7, row: 1, col: 0, value: 5 }]);
    expect(channelExamples(s.taps[0]!, 3, 1)).toEqual([{ rank: 1, photo: 7, row: 0, col: 1, value: 1 }]);
  });

  it('ranks photos by their maximum, keeps K, and drops the weakest', () => {
    const s = createTopK('m', geometry, 3);
    const photo = (m: number) => [m, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, m];
    [1, 4, 2, 8, 3].forEach((m, i) => add(s, i, photo(m)));
    expect(channelExamples(s.taps[0]!, 3, 0).map((e) => [e.photo, e.value])).toEqual([[3, 8], [1, 4], [4, 3]]);
    expect(channelExamples(s.taps[0]!, 3, 1).map((e) => [e.photo, e.row, e.col])).toEqual([[3, 1, 2], [1, 1, 2], [4, 1, 2]]);
  });

  it('ties: an equal value never displaces an earlier photo', () => {
    const s = createTopK('m', geometry, 2);
    for (let p = 0; p < 4; p++) add(s, p, [2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(channelExamples(s.taps[0]!, 2, 0).map((e) => e.photo)).toEqual([0, 1]);
    add(s, 9, [2.5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(channelExamples(s.taps[0]!, 2, 0).map((e) => e.photo)).toEqual([9, 0]);
  });

  it('NaN never enters; negative maxima do', () => {
    const s = createTopK('m', geometry, 2);
    add(s, 0, [NaN, NaN, NaN, NaN, NaN, NaN, -4, -3, -9, -9, -9, -9]);
    expect(channelExamples(s.taps[0]!, 2, 0)).toEqual([]);
    expect(channelExamples(s.taps[0]!, 2, 1)).toEqual([{ rank: 1, photo: 0, row: 0, col: 1, value: -3 }]);
  });

  it('lays the means of several taps end to end, and rejects a wrong size', () => {
    const s = createTopK('m', [...geometry, { name: 'logits', channels: 3, height: 1, width: 1 }]);
    expect(s.meanOffsets).toEqual([0, 2]);
    expect(s.totalChannels).toBe(5);
    const means = new Float32Array(5);
    addPhotoTap(s, 1, 0, Float32Array.from([1, 2, 3]), means);
    expect(Array.from(means)).toEqual([0, 0, 1, 2, 3]);
    expect(() => addPhotoTap(s, 1, 0, new Float32Array(4), means)).toThrow(/expected 3/);
    expect(topKBuffers(s)).toHaveLength(6);
  });

  it('reads tap geometry with or without the batch axis', () => {
    expect(tapGeometry('x', [1, 40, 56, 56])).toEqual({ name: 'x', channels: 40, height: 56, width: 56 });
    expect(tapGeometry('logits', [1, 8])).toEqual({ name: 'logits', channels: 8, height: 1, width: 1 });
    expect(tapGeometry('y', [80, 28, 28]).channels).toBe(80);
    expect(() => tapGeometry('z', [1, 2, 3, 4, 5])).toThrow(/cannot keep/);
  });
});
