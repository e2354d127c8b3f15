export interface ColourBarTick {
  value: number;
  label: string;
  /** 0 at the left (min) end of the bar, 1 at the right (max) end. */
  position: number;
}

/**
 * Compact number for tick labels: up to `sig` significant digits, exponent
 * notation outside [1e-3, 1e4) so tiny LayerNorm-scale values and huge
 * logits both fit under a narrow colour bar.
 */
export function formatTickValue(v: number, sig = 3): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '∞' : '-∞';
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e4 || a < 1e-3) {
    const [mant, exp] = v.toExponential(sig - 1).split('e');
    return `${trimZeros(mant!)}e${Number(exp)}`;
  }
  const s = trimZeros(v.toPrecision(sig));
  // toPrecision can itself switch to exponent form near 1e4 after rounding (9999 → "1.00e+4").
  return s.includes('e') ? formatTickValue(Number(s), sig) : s;
}

function trimZeros(s: string): string {
  return s.includes('.') ? s.replace(/\.?0+$/, '') : s;
}

/** Step from the 1-2-5 series closest to span/intervals, returned as mantissa and power of ten to avoid float drift. */
function niceStep(span: number, intervals: number): { m: number; e: number } {
  const raw = span / Math.max(1, intervals);
  let e = Math.floor(Math.log10(raw));
  const f = raw / 10 ** e;
  let m: number;
  if (f < 1.5) m = 1;
  else if (f < 3.5) m = 2;
  else if (f < 7.5) m = 5;
  else {
    m = 1;
    e += 1;
  }
  return { m, e };
}

/** k·m·10^e computed so that e.g. 3 × 0.1 gives 0.3, not 0.30000000000000004. */
function stepValue(k: number, m: number, e: number): number {
  return e >= 0 ? k * m * 10 ** e : (k * m) / 10 ** -e;
}

/** One character of a tick label as a fraction of the colour bar's width (0.72rem digits on a ~300 px bar). */
const CHAR_FRACTION = 0.022;

/**
 * Ticks for a colour-bar legend: the exact min and max at the ends (so users
 * read the true extent) plus "nice" 1/2/5×10^k values in between. Interior
 * ticks closer to an end than half a step, or than 12% of the bar, or whose label
 * would reach an end label, are dropped so labels never overlap.
 */
export function colourBarTicks(min: number, max: number, count = 5): ColourBarTick[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [];
  const lo = Math.min(min, max);
  const hi = Math.max(min, max);
  const span = hi - lo;
  if (!(span > 0)) return [{ value: lo, label: formatTickValue(lo), position: 0.5 }];

  const ends: ColourBarTick[] = [
    { value: lo, label: formatTickValue(lo), position: 0 },
    { value: hi, label: formatTickValue(hi), position: 1 },
  ];
  const intervals = Math.max(1, Math.round(Number.isFinite(count) ? count : 5) - 1);
  const { m, e } = niceStep(span, intervals);
  const step = stepValue(1, m, e);
  const decimals = Math.max(0, -e);
  const kStart = Math.ceil(lo / step);
  const kEnd = Math.floor(hi / step);
  const inner: ColourBarTick[] = [];
  const clearance = Math.max(step / 2, (hi - lo) * 0.12);
  // The end labels grow inwards from the bar's ends and an inner label is centred on its tick:
  // an inner tick also keeps one character clear of both, at ~CHAR_FRACTION of the bar a character.
  const room = (end: string, label: string) => (end.length + label.length / 2 + 1) * CHAR_FRACTION;
  for (let k = kStart; k <= kEnd && inner.length < 100; k++) {
    const value = stepValue(k, m, e);
    if (value - lo < clearance || hi - value < clearance) continue;
    const a = Math.abs(value);
    const label =
      value === 0 ? '0' : a >= 1e4 || a < 1e-3 ? formatTickValue(value) : value.toFixed(decimals);
    const position = (value - lo) / span;
    if (position < room(ends[0]!.label, label) || 1 - position < room(ends[1]!.label, label)) continue;
    inner.push({ value, label, position });
  }
  return [ends[0]!, ...inner, ends[1]!];
}
