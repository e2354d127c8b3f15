// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { compareTensors, compareToGolden, tensorStats, type GoldenTensor } from './compare';

function ramp(n: number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = Math.sin(i * 0.37) * 3 - 0.5;
  return a;
}

function goldenOf(a: Float32Array, indices: number[]): GoldenTensor {
  return { shape: [a.length], ...tensorStats(a), samples: { indices, values: indices.map((i) => a[i]!) } };
}

describe('compareTensors', () => {
  it('passes identical tensors and tiny float noise', () => {
    const b = ramp(1000);
    const a = b.map((v) => v * (1 + 1e-6));
    expect(compareTensors('t', b, b, 1e-4)).toMatchObject({ ok: true, relError: 0 });
    expect(compareTensors('t', a, b, 1e-4).ok).toBe(true);
  });

  it('fails when one element is off by 1e-2 of the tap range', () => {
    const b = ramp(1000);
    const a = b.slice();
    a[417] = a[417]! + 1e-2 * 3.5;
    const r = compareTensors('t', a, b, 1e-4);
    expect(r.ok).toBe(false);
    expect(r.worstIndex).toBe(417);
    expect(r.reason).toMatch(/relError/);
  });

  it('uses max|a-b| / max(max|b|, 1e-6)', () => {
    const r = compareTensors('t', [1, 2.5], [1, 2], 1);
    expect(r.relError).toBeCloseTo(0.25, 12);
    expect(compareTensors('z', [1e-7], [0], 1).relError).toBeCloseTo(0.1, 12);
  });

  it('fails on NaN, Infinity and length mismatch', () => {
    expect(compareTensors('t', [NaN, 1], [1, 1], 1).ok).toBe(false);
    expect(compareTensors('t', [Infinity], [1], 1).ok).toBe(false);
    expect(compareTensors('t', [1, 2], [1, 2, 3], 1).ok).toBe(false);
  });
});

describe('compareToGolden', () => {
  const b = ramp(500);
  const g = goldenOf(b, [0, 10, 250, 499]);

  it('passes the tensor it was made from', () => {
    expect(compareToGolden('t', b, g, 1e-4).ok).toBe(true);
  });

  it('fails when a sampled element is perturbed', () => {
    const a = b.slice();
    a[250] = a[250]! + 1e-2 * 3.5;
    const r = compareToGolden('t', a, g, 1e-4);
    expect(r.ok).toBe(false);
    expect(r.reason).toMatch(/sample 250/);
  });

  it('fails when an unsampled element shifts the statistics', () => {
    const a = b.slice();
    a[123] = a[123]! + 1; // not sampled, but moves max/mean/std
    expect(compareToGolden('t', a, g, 1e-4).ok).toBe(false);
  });

  it('fails on wrong size and NaN', () => {
    expect(compareToGolden('t', b.subarray(1), g, 1e-4).ok).toBe(false);
    const a = b.slice();
    a[7] = NaN;
    expect(compareToGolden('t', a, g, 1e-4).ok).toBe(false);
  });
});
