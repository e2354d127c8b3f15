export interface Prediction {
  index: number;
  label: string;
  probability: number;
}

/**
 * Max-subtracted softmax with float64 sums: ImageNet logits can reach the
 * tens, where a naive exp overflows float32 and the 1000-term sum loses precision.
 */
export function softmax(logits: Float32Array): Float32Array {
  const n = logits.length;
  const out = new Float32Array(n);
  if (n === 0) return out;
  let max = -Infinity;
  for (let i = 0; i < n; i++) if (logits[i]! > max) max = logits[i]!;
  if (max === Infinity) {
    // Put all mass on the +Infinity entries instead of producing NaN from Infinity - Infinity.
    let count = 0;
    for (let i = 0; i < n; i++) if (logits[i] === Infinity) count++;
    for (let i = 0; i < n; i++) out[i] = logits[i] === Infinity ? 1 / count : 0;
    return out;
  }
  if (max === -Infinity) {
    out.fill(1 / n);
    return out;
  }
  const exps = new Float64Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const e = Math.exp(logits[i]! - max);
    exps[i] = e;
    sum += e;
  }
  for (let i = 0; i < n; i++) out[i] = exps[i]! / sum;
  return out;
}

/** Highest `k` probabilities, ties broken by class index; a missing label falls back to "class N". */
export function topK(probs: Float32Array, labels: string[], k = 5): Prediction[] {
  const n = Math.max(0, Math.min(probs.length, Math.floor(k)));
  if (n === 0) return [];
  const idx = Array.from({ length: probs.length }, (_, i) => i);
  const p = (i: number): number => {
    const v = probs[i]!;
    return Number.isNaN(v) ? -Infinity : v;
  };
  idx.sort((a, b) => {
    const d = p(b) - p(a);
    return d > 0 ? 1 : d < 0 ? -1 : a - b;
  });
  return idx.slice(0, n).map((i) => ({ index: i, label: labels[i] ?? `class ${i}`, probability: probs[i]! }));
}
