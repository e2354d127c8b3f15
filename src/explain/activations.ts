/**
 * The activation functions an explanation writes out, as ONNX defines them (defaults from
 * the operator spec), plus the curve the page draws with the input and output marked.
 */
import type { ActivationFn } from './explainPlan';

/** erfc(z) with a fractional error below 1.2e-7 everywhere (Numerical Recipes' Chebyshev fit), so Φ(x) stays accurate for very negative x. */
export function erfc(z: number): number {
  const a = Math.abs(z);
  const t = 1 / (1 + 0.5 * a);
  const r = t * Math.exp(-a * a - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
  return z >= 0 ? r : 2 - r;
}

/** Φ(x) = ½(1 + erf(x/√2)), the standard normal CDF. */
export const normalCdf = (x: number): number => 0.5 * erfc(-x / Math.SQRT2);

export type ActivationParams = Record<string, number>;

export function activation(fn: ActivationFn, x: number, p: ActivationParams = {}): number {
  switch (fn) {
    case 'ReLU':
      return Math.max(0, x);
    case 'GELU':
      return x * normalCdf(x);
    case 'SiLU':
      return x / (1 + Math.exp(-x));
    case 'Sigmoid':
      return 1 / (1 + Math.exp(-x));
    case 'Tanh':
      return Math.tanh(x);
    case 'HardSigmoid':
      return Math.max(0, Math.min(1, (p.alpha ?? 0.2) * x + (p.beta ?? 0.5)));
    case 'HardSwish':
      return x * Math.max(0, Math.min(1, x / 6 + 0.5));
    case 'LeakyReLU':
      return x >= 0 ? x : (p.alpha ?? 0.01) * x;
    case 'ELU':
      return x >= 0 ? x : (p.alpha ?? 1) * (Math.exp(x) - 1);
    case 'Softplus':
      return Math.log1p(Math.exp(-Math.abs(x))) + Math.max(x, 0);
    case 'Clip':
      return Math.min(p.max ?? Infinity, Math.max(p.min ?? -Infinity, x));
  }
}

export function activationFormula(fn: ActivationFn, p: ActivationParams = {}): string {
  switch (fn) {
    case 'ReLU':
      return 'y = max(0, x)';
    case 'GELU':
      return 'y = x · Φ(x) = x · ½(1 + erf(x / √2))';
    case 'SiLU':
      return 'y = x · sigmoid(x) = x / (1 + e^(−x))';
    case 'Sigmoid':
      return 'y = 1 / (1 + e^(−x))';
    case 'Tanh':
      return 'y = tanh(x)';
    case 'HardSigmoid':
      return `y = max(0, min(1, ${p.alpha ?? 0.2}·x + ${p.beta ?? 0.5}))`;
    case 'HardSwish':
      return 'y = x · max(0, min(1, x/6 + ½))';
    case 'LeakyReLU':
      return `y = x if x ≥ 0, else ${p.alpha ?? 0.01}·x`;
    case 'ELU':
      return `y = x if x ≥ 0, else ${p.alpha ?? 1}·(e^x − 1)`;
    case 'Softplus':
      return 'y = ln(1 + e^x)';
    case 'Clip':
      return `y = min(${p.max ?? '∞'}, max(${p.min ?? '−∞'}, x))`;
  }
}

/** The function sampled at `count` points over [−4, 4] widened to include x. */
export function activationCurve(fn: ActivationFn, x: number, p: ActivationParams = {}, count = 81): [number, number][] {
  const lo = Math.min(-4, x - 0.5);
  const hi = Math.max(4, x + 0.5);
  return Array.from({ length: count }, (_, i) => {
    const v = lo + ((hi - lo) * i) / (count - 1);
    return [v, activation(fn, v, p)];
  });
}
