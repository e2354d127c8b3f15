/**
 * Pillow's resampling filters and their fixed-point taps (libImaging/Resample.c,
 * Pillow 7 .. 9: `bilinear_filter`, `bicubic_filter`, `precompute_coeffs`,
 * `normalize_coeffs_8bpc`), kept apart from the passes in resize.ts that use them.
 *
 * Exactness needs the same float64 operations in the same order as the C code
 * (JS numbers are IEEE doubles, like C `double`) and the same rounding to 22-bit
 * fixed point.
 */

/** 32 - 8 - 2: 8 bits for the pixel, 2 spare bits for filters with negative lobes. */
export const PRECISION_BITS = 22;
const ONE = 1 << PRECISION_BITS;

/** The filters the app implements, by PIL's name (`Image.BILINEAR` = 2, `Image.BICUBIC` = 3). */
export type ResampleFilter = 'bilinear' | 'bicubic';

interface Filter {
  fn: (x: number) => number;
  /** Half-width of the kernel at scale 1 (PIL's `support`). */
  support: number;
}

function bilinearFilter(x: number): number {
  if (x < 0.0) x = -x;
  if (x < 1.0) return 1.0 - x;
  return 0.0;
}

/**
 * Keys' cubic convolution with a = -0.5, written exactly as Pillow's `bicubic_filter`
 * (the expression order is part of the result: e.g. `((a + 2) * x - (a + 3)) * x * x + 1`).
 */
function bicubicFilter(x: number): number {
  const a = -0.5;
  if (x < 0.0) x = -x;
  if (x < 1.0) return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
  if (x < 2.0) return (((x - 5) * x + 8) * x - 4) * a;
  return 0.0;
}

const FILTERS: Record<ResampleFilter, Filter> = {
  bilinear: { fn: bilinearFilter, support: 1.0 },
  bicubic: { fn: bicubicFilter, support: 2.0 },
};

/**
 * Fixed-point filter taps for a run of output positions along one axis.
 * Output position `first + i` reads source pixels `bounds[2i] .. bounds[2i] + bounds[2i+1] - 1`
 * with weights `kk[i * ksize .. i * ksize + bounds[2i+1] - 1]`.
 */
export interface AxisCoeffs {
  ksize: number;
  bounds: Int32Array;
  kk: Int32Array;
}

/**
 * PIL's precompute_coeffs + normalize_coeffs_8bpc for output positions
 * [first, first + count) of an `inSize -> outSize` resize (box = whole image).
 * Each output position's taps depend only on its own index, which is why
 * computing a sub-range is exact and lets us resample only the crop window.
 * The filter widens with the downscale factor (PIL's antialiasing).
 */
export function precomputeCoeffs(
  inSize: number,
  outSize: number,
  first = 0,
  count = outSize - first,
  filter: ResampleFilter = 'bilinear',
): AxisCoeffs {
  const { fn, support: filterSupport } = FILTERS[filter];
  // C: `(double)(in1 - in0) / outSize` with float in0 = 0, in1 = inSize (exact for < 2^24).
  const scale = inSize / outSize;
  const filterscale = scale < 1.0 ? 1.0 : scale;
  const support = filterSupport * filterscale;
  const ksize = Math.ceil(support) * 2 + 1;
  const bounds = new Int32Array(count * 2);
  const kk = new Int32Array(count * ksize);
  const pre = new Float64Array(ksize);
  const ss = 1.0 / filterscale;
  for (let i = 0; i < count; i++) {
    const xx = first + i;
    const center = 0 + (xx + 0.5) * scale;
    // C truncates toward zero with an (int) cast; Math.trunc is the same.
    let xmin = Math.trunc(center - support + 0.5);
    if (xmin < 0) xmin = 0;
    let xmax = Math.trunc(center + support + 0.5);
    if (xmax > inSize) xmax = inSize;
    xmax -= xmin;
    let ww = 0.0;
    for (let x = 0; x < xmax; x++) {
      // `x + xmin` is an int sum in C, then promoted: same order here.
      const w = fn((x + xmin - center + 0.5) * ss);
      pre[x] = w;
      ww += w;
    }
    const base = i * ksize;
    for (let x = 0; x < xmax; x++) {
      let w = pre[x]!;
      if (ww !== 0.0) w /= ww;
      // normalize_coeffs_8bpc: round half away from zero via an (int) cast.
      kk[base + x] = w < 0 ? Math.trunc(-0.5 + w * ONE) : Math.trunc(0.5 + w * ONE);
    }
    bounds[i * 2] = xmin;
    bounds[i * 2 + 1] = xmax;
  }
  return { ksize, bounds, kk };
}
