import { describe, expect, it } from 'vitest';
import { isSpatial, thumbnailOf } from './mapThumbnail';
import { meanMap } from './stats';

describe('network map thumbnails', () => {
  it('draws a spatial layer as its mean over channels, on its own range', () => {
    const t = { name: 'x', shape: [2, 2, 2], data: Float32Array.from([0, 1, 2, 3, 4, 5, 6, 7]) };
    expect(isSpatial(t)).toBe(true);
    const th = thumbnailOf(t, () => meanMap(t));
    expect(Array.from(th.values)).toEqual([2, 3, 4, 5]);
    expect([th.width, th.height]).toEqual([2, 2]);
    expect(th.range).toEqual({ min: 2, max: 5 });
  });
  it('lays a vector out in the next square, padded with its minimum', () => {
    const t = { name: 'logits', shape: [5], data: Float32Array.from([3, -1, 2, 0, 1]) };
    expect(isSpatial(t)).toBe(false);
    const th = thumbnailOf(t, () => { throw new Error('a vector has no mean map'); });
    expect([th.width, th.height]).toEqual([3, 3]);
    expect(Array.from(th.values)).toEqual([3, -1, 2, 0, 1, -1, -1, -1, -1]);
    expect(th.range).toEqual({ min: -1, max: 3 });
  });
  it('a pooled [C,1,1] tensor is a vector; a constant one still has a usable range', () => {
    const t = { name: 'pool', shape: [4, 1, 1], data: new Float32Array(4).fill(2) };
    expect(isSpatial(t)).toBe(false);
    expect(thumbnailOf(t, () => new Float32Array()).range).toEqual({ min: 1, max: 3 });
  });
});
