import { describe, expect, it } from 'vitest';
import { classEvidence, headLogit, identityText } from './classEvidence';

function rand(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32 - 0.5;
  };
}

function head(k: number, classes: number, withNorm: boolean, r: () => number) {
  return {
    channels: k,
    classes,
    weight: Float32Array.from({ length: k * classes }, () => r() * 2),
    bias: Float32Array.from({ length: classes }, () => r()),
    norm: withNorm ? { gamma: Float32Array.from({ length: k }, () => 1 + r()), beta: Float32Array.from({ length: k }, () => r()), eps: 1e-6 } : null,
  };
}

describe('classEvidence', () => {
  for (const withNorm of [true, false]) {
    it(`map sum + constant == the head's logit (${withNorm ? 'LayerNorm' : 'plain'} head)`, () => {
      const r = rand(withNorm ? 1 : 2);
      const [k, h, w] = [6, 3, 4];
      const a = Float32Array.from({ length: k * h * w }, () => r() * 4);
      const hd = head(k, 5, withNorm, r);
      for (let c = 0; c < 5; c++) {
        const e = classEvidence(a, [k, h, w], hd, c);
        expect(e.map.length).toBe(h * w);
        const direct = headLogit(a, [k, h, w], hd, c);
        expect(Math.abs(e.logit - direct)).toBeLessThan(1e-9 * Math.max(1, Math.abs(direct)));
      }
    });
  }

  it('without LayerNorm the map is (1/HW) Σ_k w_ck A_k(y,x), constant b_c', () => {
    // K=2, H=1, W=2: A_0 = [1, 3], A_1 = [2, -2]; w_0 = [0.5, 1]; b = 0.25.
    const a = Float32Array.from([1, 3, 2, -2]);
    const e = classEvidence(a, [2, 1, 2], { channels: 2, classes: 1, weight: Float32Array.from([0.5, 1]), bias: Float32Array.from([0.25]), norm: null }, 0);
    expect([...e.map]).toEqual([(0.5 * 1 + 2) / 2, (0.5 * 3 - 2) / 2]);
    expect(e.constant).toBe(0.25);
    expect(e.logit).toBeCloseTo(1.25 + -0.25 + 0.25, 12);
  });

  it('with LayerNorm a uniform shift of every channel at one position changes nothing', () => {
    const r = rand(3);
    const [k, h, w] = [4, 2, 2];
    const a = Float32Array.from({ length: k * h * w }, () => r());
    const shifted = a.slice();
    for (let c = 0; c < k; c++) shifted[c * h * w + 1] = shifted[c * h * w + 1]! + 5;
    const hd = head(k, 3, true, r);
    // The map at the shifted position and the pooled centring see only differences between channels;
    // σ changes with the pooled vector, so compare the identity rather than the map.
    const e = classEvidence(shifted, [k, h, w], hd, 1);
    expect(Math.abs(e.logit - headLogit(shifted, [k, h, w], hd, 1))).toBeLessThan(1e-9);
  });

  it('accepts a batch-1 shape and rejects a wrong channel count or class', () => {
    const a = new Float32Array(8);
    const hd = { channels: 2, classes: 1, weight: new Float32Array(2), bias: new Float32Array(1), norm: null };
    expect(classEvidence(a, [1, 2, 2, 2], hd, 0).map.length).toBe(4);
    expect(() => classEvidence(a, [4, 1, 2], hd, 0)).toThrow(/channels/);
    expect(() => classEvidence(a, [2, 2, 2], hd, 1)).toThrow(/Class 1/);
  });

  it('writes the identity with two decimals and a real minus sign', () => {
    expect(identityText({ mapSum: 9.8412, constant: 2.4703, logit: 12.3115 })).toBe('map sum 9.84 + constant 2.47 = logit 12.31');
    expect(identityText({ mapSum: -1.5, constant: -0.25, logit: -1.75 })).toBe('map sum −1.50 + constant −0.25 = logit −1.75');
  });
});
