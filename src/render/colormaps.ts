import {
  interpolateCividis,
  interpolateMagma,
  interpolateRdBu,
  interpolateViridis,
} from 'd3-scale-chromatic';

export type ColormapId = 'grey' | 'viridis' | 'magma' | 'cividis' | 'diverging';

export interface ColormapInfo {
  readonly id: ColormapId;
  readonly label: string;
  /** True when the map has a meaningful centre, i.e. it belongs with symmetric normalisation. */
  readonly diverging: boolean;
}

export const COLORMAPS: readonly ColormapInfo[] = [
  { id: 'grey', label: 'Grey', diverging: false },
  { id: 'viridis', label: 'Viridis', diverging: false },
  { id: 'magma', label: 'Magma', diverging: false },
  { id: 'cividis', label: 'Cividis (colour-blind safe)', diverging: false },
  { id: 'diverging', label: 'Diverging (blue − / red +)', diverging: true },
];

/** Number of entries in every LUT; 8-bit indices keep the hot render loop to one table read per pixel. */
export const LUT_SIZE = 256;

type Interpolator = (t: number) => string;

function greyInterpolator(t: number): string {
  const v = Math.round(t * 255);
  return `rgb(${v}, ${v}, ${v})`;
}

/** RdBu runs red→blue; reversing it gives the usual "negative is cold" reading. */
function divergingInterpolator(t: number): string {
  return interpolateRdBu(1 - t);
}

const INTERPOLATORS: Record<ColormapId, Interpolator> = {
  grey: greyInterpolator,
  viridis: interpolateViridis,
  magma: interpolateMagma,
  cividis: interpolateCividis,
  diverging: divergingInterpolator,
};

export function isColormapId(id: string): id is ColormapId {
  return Object.prototype.hasOwnProperty.call(INTERPOLATORS, id);
}

/**
 * Parses the colour strings d3 produces ("#rrggbb", "#rgb", "rgb(r, g, b)",
 * "rgba(r, g, b, a)"). Written by hand because d3-color ships no type
 * declarations; throws rather than guessing so a d3 format change is caught by tests.
 */
export function parseColour(css: string): [number, number, number] {
  const s = css.trim().toLowerCase();
  if (s.startsWith('#')) {
    const hex = s.slice(1);
    if (/^[0-9a-f]{6}$/.test(hex)) {
      return [parseInt(hex.slice(0, 2), 16), parseInt(hex.slice(2, 4), 16), parseInt(hex.slice(4, 6), 16)];
    }
    if (/^[0-9a-f]{3}$/.test(hex)) {
      return [parseInt(hex[0]! + hex[0]!, 16), parseInt(hex[1]! + hex[1]!, 16), parseInt(hex[2]! + hex[2]!, 16)];
    }
  }
  const m = /^rgba?\(\s*([-+\d.e]+)\s*,\s*([-+\d.e]+)\s*,\s*([-+\d.e]+)\s*(?:,\s*[-+\d.e%]+\s*)?\)$/.exec(s);
  if (m) {
    const rgb = [Number(m[1]), Number(m[2]), Number(m[3])];
    if (rgb.every(Number.isFinite)) {
      return rgb.map((v) => Math.max(0, Math.min(255, Math.round(v)))) as [number, number, number];
    }
  }
  throw new Error(`Unrecognised colour string from colour map: "${css}"`);
}

const lutCache = new Map<ColormapId, Uint8ClampedArray>();

/**
 * RGBA lookup table (256 × 4 bytes, alpha 255). Built once per map and
 * shared: sampling d3 per pixel would cost a string parse each time.
 * Callers must treat the returned array as read-only.
 */
export function getLut(id: ColormapId): Uint8ClampedArray {
  let lut = lutCache.get(id);
  if (lut) return lut;
  const interpolate = INTERPOLATORS[id];
  if (!interpolate) throw new Error(`Unknown colour map "${String(id)}"`);
  lut = new Uint8ClampedArray(LUT_SIZE * 4);
  for (let i = 0; i < LUT_SIZE; i++) {
    const [r, g, b] = parseColour(interpolate(i / (LUT_SIZE - 1)));
    lut[i * 4] = r;
    lut[i * 4 + 1] = g;
    lut[i * 4 + 2] = b;
    lut[i * 4 + 3] = 255;
  }
  lutCache.set(id, lut);
  return lut;
}

/** Colour at LUT index `i` as a CSS string, for swatches and legends. */
export function lutColour(lut: Uint8ClampedArray, i: number): string {
  const k = Math.max(0, Math.min(LUT_SIZE - 1, Math.round(i))) * 4;
  return `rgb(${lut[k]}, ${lut[k + 1]}, ${lut[k + 2]})`;
}

/**
 * Left-to-right CSS gradient sampled from the same LUT the tiles use, so the
 * legend bar matches the pixels exactly rather than d3's continuous curve.
 */
export function cssGradient(id: ColormapId, steps = 16): string {
  const lut = getLut(id);
  const n = Math.max(2, Math.floor(Number.isFinite(steps) ? steps : 16));
  const stops: string[] = [];
  for (let s = 0; s < n; s++) {
    const t = s / (n - 1);
    const pct = Math.round(t * 10000) / 100;
    stops.push(`${lutColour(lut, t * (LUT_SIZE - 1))} ${pct}%`);
  }
  return `linear-gradient(to right, ${stops.join(', ')})`;
}
