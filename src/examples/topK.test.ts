import { describe, expect, it } from 'vitest';
import { seededRandom } from '../testing/seededRandom';
import { addPhotoTap, channelExamples, cloneTopK, createTopK, tapGeometry, topKBuffers } from './topK';

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

  it('finds the one-lane answer on planes of every size, with ties, NaN and -Infinity (seeded)', () => {
    const random = seededRandom(9);
    for (let trial = 0; trial < 400; trial++) {
      const height = 1 + Math.floor(random() * 4);
      const width = 1 + Math.floor(random() * 5);
      const plane = height * width;
      // Few distinct values, so ties are common.
      const pick = () => [NaN, -Infinity, -1, 0, 0.5, 2, 2, 3][Math.floor(random() * 8)]!;
      const values = Array.from({ length: 2 * plane }, pick);
      const s = createTopK('m', [{ name: 'a', channels: 2, height, width }], 1);
      const means = add(s, 0, values);
      for (let c = 0; c < 2; c++) {
        const own = values.slice(c * plane, (c + 1) * plane);
        let best = -Infinity;
        let at = -1;
        own.forEach((v, i) => {
          if (v > best) (best = v), (at = i);
        });
        const got = channelExamples(s.taps[0]!, 1, c);
        expect(got.map((e) => [e.row * width + e.col, e.value])).toEqual(at < 0 ? [] : [[at, best]]);
        const mean = own.reduce((a, b) => a + b, 0) / plane;
        if (Number.isFinite(mean)) expect(means[c]).toBeCloseTo(mean, 6);
        else expect(Object.is(means[c], Math.fround(mean)) || (Number.isNaN(means[c]) && Number.isNaN(mean))).toBe(true);
      }
    }
  });

  it('clones a state into buffers of its own', () => {
    const s = createTopK('m', geometry, 2);
    add(s, 3, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    const copy = cloneTopK(s);
    add(s, 4, [9, 9, 9, 9, 9, 9, 99, 9, 9, 9, 9, 9]);
    expect(channelExamples(copy.taps[0]!, 2, 1)).toEqual([{ rank: 1, photo: 3, row: 1, col: 2, value: 12 }]);
    expect(channelExamples(s.taps[0]!, 2, 1).map((e) => e.photo)).toEqual([4, 3]);
    expect(topKBuffers(copy).some((b) => topKBuffers(s).includes(b))).toBe(false);
  });

  it('reads tap geometry with or without the batch axis', () => {
    expect(tapGeometry('x', [1, 40, 56, 56])).toEqual({ name: 'x', channels: 40, height: 56, width: 56 });
    expect(tapGeometry('logits', [1, 8])).toEqual({ name: 'logits', channels: 8, height: 1, width: 1 });
    expect(tapGeometry('y', [80, 28, 28]).channels).toBe(80);
    expect(() => tapGeometry('z', [1, 2, 3, 4, 5])).toThrow(/cannot keep/);
  });
});
