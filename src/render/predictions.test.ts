import { describe, it, expect } from 'vitest';
import { softmax, topK } from './predictions';

describe('softmax', () => {
  it('matches hand values and sums to 1', () => {
    const p = softmax(new Float32Array([0, Math.log(3)]));
    expect(p[0]).toBeCloseTo(0.25, 6);
    expect(p[1]).toBeCloseTo(0.75, 6);
  });
  it('is stable for large logits', () => {
    const p = softmax(new Float32Array([1000, 1000, 990]));
    expect([...p].every(Number.isFinite)).toBe(true);
    expect(p[0]).toBeCloseTo(p[1]!, 7);
    expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
  });
  it('edge cases', () => {
    expect(softmax(new Float32Array(0))).toHaveLength(0);
    expect([...softmax(new Float32Array([Infinity, 1, Infinity]))]).toEqual([0.5, 0, 0.5]);
    expect([...softmax(new Float32Array([-Infinity, -Infinity]))]).toEqual([0.5, 0.5]);
  });
});

describe('topK', () => {
  it('returns the highest probabilities with labels, ties by index', () => {
    const probs = new Float32Array([0.1, 0.4, 0.1, 0.3, 0.1]);
    const r = topK(probs, ['a', 'b', 'c', 'd'], 4);
    expect(r.map((x) => x.index)).toEqual([1, 3, 0, 2]);
    expect(r[0]).toEqual({ index: 1, label: 'b', probability: probs[1] });
    expect(topK(probs, [], 5).map((x) => x.label)).toEqual(['class 1', 'class 3', 'class 0', 'class 2', 'class 4']);
    expect(topK(probs, [], 50)).toHaveLength(5);
    expect(topK(probs, ['a'])).toHaveLength(5);
  });
});
