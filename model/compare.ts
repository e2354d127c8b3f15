/**
 * Pure comparison helpers for the ONNX-vs-PyTorch parity tests (model/parity.test.ts).
 *
 * Tolerance measure, used for every tap:
 *   relError = max_i |actual_i - expected_i| / max(max_i |expected_i|, 1e-6)
 * i.e. the worst absolute difference scaled by the tap's largest reference magnitude.
 * A tap passes when relError <= tolerance (1e-4 for float32 weights). NaN/Inf or a length
 * mismatch always fails.
 */

export interface TapComparison {
  name: string;
  ok: boolean;
  relError: number;
  maxAbsDiff: number;
  maxAbsExpected: number;
  /** Flat index of the worst element (-1 if none). */
  worstIndex: number;
  reason?: string;
}

export function compareTensors(
  name: string,
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tolerance: number,
): TapComparison {
  if (actual.length !== expected.length) {
    return {
      name, ok: false, relError: Infinity, maxAbsDiff: Infinity, maxAbsExpected: NaN, worstIndex: -1,
      reason: `length ${actual.length} != expected ${expected.length}`,
    };
  }
  let maxAbsDiff = 0;
  let maxAbsExpected = 0;
  let worstIndex = -1;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const b = expected[i]!;
    const d = Math.abs(a - b);
    if (!Number.isFinite(a) || !Number.isFinite(b) || Number.isNaN(d)) {
      return { name, ok: false, relError: Infinity, maxAbsDiff: Infinity, maxAbsExpected: NaN, worstIndex: i, reason: `non-finite value at ${i}` };
    }
    if (d > maxAbsDiff) {
      maxAbsDiff = d;
      worstIndex = i;
    }
    const m = Math.abs(b);
    if (m > maxAbsExpected) maxAbsExpected = m;
  }
  const relError = maxAbsDiff / Math.max(maxAbsExpected, 1e-6);
  const ok = relError <= tolerance;
  return { name, ok, relError, maxAbsDiff, maxAbsExpected, worstIndex, reason: ok ? undefined : `relError ${relError.toExponential(3)} > ${tolerance}` };
}

/** One tensor's entry in model/golden/<id>.json. */
export interface GoldenTensor {
  shape: number[];
  min: number;
  max: number;
  mean: number;
  std: number;
  samples: { indices: number[]; values: number[] };
}

export interface Stats {
  min: number;
  max: number;
  mean: number;
  std: number;
}

/** min/max/mean/std (population std) in float64, like the exporter's numpy stats. */
export function tensorStats(data: ArrayLike<number>): Stats {
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
  }
  const mean = sum / data.length;
  let sq = 0;
  for (let i = 0; i < data.length; i++) {
    const d = data[i]! - mean;
    sq += d * d;
  }
  return { min, max, mean, std: Math.sqrt(sq / data.length) };
}

/**
 * Compare a tensor with its golden entry: min, max, mean, std and every sampled value must agree
 * within tolerance * max(|golden.min|, |golden.max|, 1e-6) (same scale as compareTensors).
 */
export function compareToGolden(name: string, data: ArrayLike<number>, golden: GoldenTensor, tolerance: number): TapComparison {
  const size = golden.shape.reduce((a, b) => a * b, 1);
  const scale = Math.max(Math.abs(golden.min), Math.abs(golden.max), 1e-6);
  if (data.length !== size) {
    return { name, ok: false, relError: Infinity, maxAbsDiff: Infinity, maxAbsExpected: scale, worstIndex: -1, reason: `length ${data.length} != golden ${size}` };
  }
  const s = tensorStats(data);
  let maxAbsDiff = 0;
  let worstIndex = -1;
  let what = '';
  for (const k of ['min', 'max', 'mean', 'std'] as const) {
    const d = Math.abs(s[k] - golden[k]);
    if (!Number.isFinite(d)) {
      return { name, ok: false, relError: Infinity, maxAbsDiff: Infinity, maxAbsExpected: scale, worstIndex: -1, reason: `${k} is not finite` };
    }
    if (d > maxAbsDiff) {
      maxAbsDiff = d;
      what = k;
    }
  }
  const { indices, values } = golden.samples;
  for (let j = 0; j < indices.length; j++) {
    const index = indices[j]!;
    const d = Math.abs((data[index] ?? NaN) - values[j]!);
    if (!Number.isFinite(d)) {
      return { name, ok: false, relError: Infinity, maxAbsDiff: Infinity, maxAbsExpected: scale, worstIndex: index, reason: `sample ${index} is not finite` };
    }
    if (d > maxAbsDiff) {
      maxAbsDiff = d;
      worstIndex = index;
      what = `sample ${index}`;
    }
  }
  const relError = maxAbsDiff / scale;
  const ok = relError <= tolerance;
  return { name, ok, relError, maxAbsDiff, maxAbsExpected: scale, worstIndex, reason: ok ? undefined : `${what}: relError ${relError.toExponential(3)} > ${tolerance}` };
}
