import { describe, it, expect } from 'vitest';
import { colourBarTicks, formatTickValue } from './legend';

const isNice = (v: number) => {
  if (v === 0) return true;
  const m = Math.abs(v) / 10 ** Math.floor(Math.log10(Math.abs(v)) + 1e-9);
  return [1, 2, 3, 4, 5, 6, 7, 8, 9].some((n) => Math.abs(m - n) < 1e-9);
};

describe('formatTickValue', () => {
  it('is compact', () => {
    expect(formatTickValue(0)).toBe('0');
    expect(formatTickValue(1.23456)).toBe('1.23');
    expect(formatTickValue(-0.5)).toBe('-0.5');
    expect(formatTickValue(2)).toBe('2');
    expect(formatTickValue(123.456)).toBe('123');
    expect(formatTickValue(9999)).toBe('1e4');
    expect(formatTickValue(0.000123)).toBe('1.23e-4');
    expect(formatTickValue(45678)).toBe('4.57e4');
  });
});

describe('colourBarTicks', () => {
  it('keeps exact ends and nice interior ticks inside the range', () => {
    const t = colourBarTicks(-1.37, 4.21, 5);
    expect(t[0]).toEqual({ value: -1.37, label: '-1.37', position: 0 });
    expect(t[t.length - 1]).toEqual({ value: 4.21, label: '4.21', position: 1 });
    const inner = t.slice(1, -1);
    expect(inner.map((x) => x.value)).toEqual([0, 1, 2, 3]);
    expect(inner.map((x) => x.label)).toEqual(['0', '1', '2', '3']);
    for (const x of t) {
      expect(x.position).toBeGreaterThanOrEqual(0);
      expect(x.position).toBeLessThanOrEqual(1);
      expect(x.position).toBeCloseTo((x.value + 1.37) / 5.58, 9);
    }
  });
  it('uses 1-2-5 steps without float noise', () => {
    const t = colourBarTicks(0, 1, 5);
    expect(t.map((x) => x.value)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(t.map((x) => x.label)).toEqual(['0', '0.2', '0.4', '0.6', '0.8', '1']);
    const s = colourBarTicks(-8, 8, 5);
    expect(s.map((x) => x.value)).toEqual([-8, -5, 0, 5, 8]);
    for (const x of colourBarTicks(0.0123, 0.0871, 5).slice(1, -1)) expect(isNice(x.value)).toBe(true);
  });
  it('drops an inner tick whose label would touch a long end label (-4 next to -5.32)', () => {
    expect(colourBarTicks(-5.32, 5.05, 5).map((x) => x.label)).toEqual(['-5.32', '-2', '0', '2', '5.05']);
  });
  it('drops interior ticks that would crowd an end', () => {
    const t = colourBarTicks(0.05, 0.99, 5);
    expect(t.map((x) => x.value)).toEqual([0.05, 0.2, 0.4, 0.6, 0.8, 0.99]);
  });
  it('handles tiny, huge, degenerate and reversed ranges', () => {
    const tiny = colourBarTicks(1e-6, 5e-6, 5);
    expect(tiny[0]!.label).toBe('1e-6');
    expect(tiny.slice(1, -1).map((x) => x.label)).toEqual(['2e-6', '3e-6', '4e-6']);
    const huge = colourBarTicks(0, 250000, 5);
    expect(huge.map((x) => x.label)).toEqual(['0', '5e4', '1e5', '1.5e5', '2e5', '2.5e5']);
    expect(colourBarTicks(3, 3)).toEqual([{ value: 3, label: '3', position: 0.5 }]);
    expect(colourBarTicks(NaN, 1)).toEqual([]);
    expect(colourBarTicks(1, 0)[0]!.value).toBe(0);
  });

  it('keeps inner labels clear of the end labels (a tick at 4 next to 5.15 would overlap)', () => {
    const values = colourBarTicks(-4.9958, 5.1457, 5).map((t) => t.value);
    expect(values).not.toContain(4);
    expect(values[0]).toBeCloseTo(-4.9958, 4);
    expect(values.at(-1)).toBeCloseTo(5.1457, 4);
  });
});
