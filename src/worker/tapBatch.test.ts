import { describe, expect, it } from 'vitest';
import { stackInputs, unstackOutputs } from './tapBatch';

describe('stackInputs', () => {
  it('puts the inputs one after the other', () => {
    expect([...stackInputs([new Float32Array([1, 2]), new Float32Array([3, 4]), new Float32Array([5, 6])])]).toEqual([1, 2, 3, 4, 5, 6]);
  });
  it('gives a single input back as it is', () => {
    const one = new Float32Array([1, 2]);
    expect(stackInputs([one])).toBe(one);
  });
  it('refuses inputs of different sizes', () => {
    expect(() => stackInputs([new Float32Array(2), new Float32Array(3)])).toThrow('Input 1 has 3 values, the first has 2');
  });
});

describe('unstackOutputs', () => {
  it('cuts each tap into one view per photo, sharing the run buffer', () => {
    const maps = { name: 'stem', dims: [2, 2, 1, 2], data: Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8]) };
    const scores = { name: 'logits', dims: [2, 3], data: Float32Array.from([9, 10, 11, 12, 13, 14]) };
    const photos = unstackOutputs([maps, scores], 2);
    expect(photos.map((p) => p.map((t) => [t.name, t.dims, [...t.data]]))).toEqual([
      [['stem', [1, 2, 1, 2], [1, 2, 3, 4]], ['logits', [1, 3], [9, 10, 11]]],
      [['stem', [1, 2, 1, 2], [5, 6, 7, 8]], ['logits', [1, 3], [12, 13, 14]]],
    ]);
    expect(photos[1]![0]!.data.buffer).toBe(maps.data.buffer);
  });
  it('refuses a tap without the batch axis', () => {
    expect(() => unstackOutputs([{ name: 'pooled', dims: [3], data: new Float32Array(3) }], 2)).toThrow('Tap "pooled" is [3]: no batch axis of 2 to cut along');
  });
});
