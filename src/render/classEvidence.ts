/**
 * The class evidence map (CAM, Zhou et al. 2016, extended to a LayerNorm head): for a head
 * global average pool → optional LayerNorm over channels → Linear, the class logit splits
 * exactly into a sum over the positions of the last feature map A [K, H, W] plus a constant.
 *
 * With pooled p_k = mean_yx A_k(y,x), LayerNorm mean μ and standard deviation σ of p over the
 * channels (σ = sqrt(var + ε), the biased variance as LayerNorm uses), weight γ, bias β, and
 * the Linear row w_c and bias b_c:
 *   logit_c = Σ_k w_ck (γ_k (p_k − μ)/σ + β_k) + b_c
 *           = Σ_yx (1/(σHW)) Σ_k w_ck γ_k (A_k(y,x) − mean_j A_j(y,x))  +  Σ_k w_ck β_k + b_c
 * since p_k − μ is the mean over positions of A_k(y,x) − mean_j A_j(y,x). σ depends on the
 * whole photo, so it is computed once, from p. Without LayerNorm:
 *   map(y,x) = (1/(HW)) Σ_k w_ck A_k(y,x),  constant = b_c.
 * Sums run in float64; the map is returned as float32, its sum in float64.
 */
import type { ClassHead } from '../model/classHead';

export interface ClassEvidence {
  /** [H, W] row-major. */
  map: Float32Array;
  height: number;
  width: number;
  /** Σ map, in float64. */
  mapSum: number;
  constant: number;
  /** mapSum + constant: equals the model's logit for the class. */
  logit: number;
}

/** A: [K, H, W] (the batch dimension left out), in the order the feature map has. */
export function classEvidence(a: Float32Array, shape: readonly number[], head: Pick<ClassHead, 'channels' | 'norm' | 'weight' | 'bias' | 'classes'>, cls: number): ClassEvidence {
  const [k = 0, h = 1, w = 1] = shape.length === 4 ? shape.slice(1) : shape;
  if (k !== head.channels) throw new RangeError(`The feature map has ${k} channels, the head expects ${head.channels}`);
  if (a.length !== k * h * w) throw new RangeError(`The feature map has ${a.length} values, expected ${k}×${h}×${w}`);
  if (!(cls >= 0 && cls < head.classes)) throw new RangeError(`Class ${cls} is outside 0..${head.classes - 1}`);
  const hw = h * w;
  const row = head.weight.subarray(cls * k, (cls + 1) * k);
  const norm = head.norm;
  // Per-channel coefficient c_k = w_ck γ_k / σ (or w_ck), applied to A (minus the channel mean at each position with LayerNorm).
  const coef = new Float64Array(k);
  let constant = head.bias[cls]!;
  let centre = false;
  if (norm) {
    const p = new Float64Array(k);
    for (let c = 0; c < k; c++) {
      let s = 0;
      const base = c * hw;
      for (let i = 0; i < hw; i++) s += a[base + i]!;
      p[c] = s / hw;
    }
    let mu = 0;
    for (let c = 0; c < k; c++) mu += p[c]!;
    mu /= k;
    let v = 0;
    for (let c = 0; c < k; c++) v += (p[c]! - mu) ** 2;
    const sigma = Math.sqrt(v / k + norm.eps);
    for (let c = 0; c < k; c++) {
      coef[c] = (row[c]! * norm.gamma[c]!) / sigma;
      constant += row[c]! * norm.beta[c]!;
    }
    centre = true;
  } else {
    for (let c = 0; c < k; c++) coef[c] = row[c]!;
  }
  const acc = new Float64Array(hw);
  const channelMean = new Float64Array(hw);
  if (centre) {
    for (let c = 0; c < k; c++) {
      const base = c * hw;
      for (let i = 0; i < hw; i++) channelMean[i] = channelMean[i]! + a[base + i]!;
    }
    for (let i = 0; i < hw; i++) channelMean[i] = channelMean[i]! / k;
  }
  for (let c = 0; c < k; c++) {
    const base = c * hw;
    const f = coef[c]!;
    for (let i = 0; i < hw; i++) acc[i] = acc[i]! + f * (a[base + i]! - channelMean[i]!);
  }
  const map = new Float32Array(hw);
  let mapSum = 0;
  for (let i = 0; i < hw; i++) {
    const value = acc[i]! / hw;
    map[i] = value;
    mapSum += value;
  }
  return { map, height: h, width: w, mapSum, constant, logit: mapSum + constant };
}

/** The logit computed straight from the head (pool → norm → linear), for checking the identity. */
export function headLogit(a: Float32Array, shape: readonly number[], head: Pick<ClassHead, 'channels' | 'norm' | 'weight' | 'bias'>, cls: number): number {
  const [k = 0, h = 1, w = 1] = shape.length === 4 ? shape.slice(1) : shape;
  const hw = h * w;
  const p = new Float64Array(k);
  for (let c = 0; c < k; c++) {
    let s = 0;
    for (let i = 0; i < hw; i++) s += a[c * hw + i]!;
    p[c] = s / hw;
  }
  if (head.norm) {
    let mu = 0;
    for (const v of p) mu += v;
    mu /= k;
    let v2 = 0;
    for (const v of p) v2 += (v - mu) ** 2;
    const sigma = Math.sqrt(v2 / k + head.norm.eps);
    for (let c = 0; c < k; c++) p[c] = (head.norm.gamma[c]! * (p[c]! - mu)) / sigma + head.norm.beta[c]!;
  }
  let logit = head.bias[cls]!;
  for (let c = 0; c < k; c++) logit += head.weight[cls * k + c]! * p[c]!;
  return logit;
}

/** "map sum 9.84 + constant 2.47 = logit 12.31" (a typographic minus for negative numbers). */
export function identityText(e: Pick<ClassEvidence, 'mapSum' | 'constant' | 'logit'>): string {
  const f = (v: number) => v.toFixed(2).replace('-', '−');
  return `map sum ${f(e.mapSum)} + constant ${f(e.constant)} = logit ${f(e.logit)}`;
}
