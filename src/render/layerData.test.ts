import { describe, expect, it } from 'vitest';
import { asMap, layerMeanMap, layerStats } from './layerData';

const tensor = (shape: number[], values: number[]) => ({ name: 't', shape, data: new Float32Array(values) });

describe('layerData', () => {
  it('summarises a layer on first use and returns the same object afterwards', () => {
    const t = tensor([2, 2, 2], [1, 2, 3, 4, -1, 0, 1, 8]);
    const stats = layerStats(t);
    expect([...stats.mean]).toEqual([2.5, 2]);
    expect([...stats.fracPositive]).toEqual([1, 0.5]);
    // asMap makes a new object around the same data: still one computation.
    expect(layerStats(asMap(t))).toBe(stats);
    const mean = layerMeanMap(t);
    expect([...mean]).toEqual([0, 1, 2, 6]);
    expect(layerMeanMap({ ...t })).toBe(mean);
  });

  it('reads logits as one-pixel channels', () => {
    const logits = tensor([3], [3, -2, 5]);
    expect([...layerStats(logits).max]).toEqual([3, -2, 5]);
    expect(layerMeanMap(logits)[0]).toBe(2);
  });

  it('keeps separate summaries for separate runs', () => {
    const a = tensor([1, 1, 2], [1, 1]);
    const b = tensor([1, 1, 2], [5, 5]);
    expect(layerStats(a).mean[0]).toBe(1);
    expect(layerStats(b).mean[0]).toBe(5);
  });
});
