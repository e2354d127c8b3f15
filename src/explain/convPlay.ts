/**
 * The pure parts of *Play* (the kernel sliding over the input map and the output map filling
 * as it goes): where the window lies at each step, and a map channel's colours with only the
 * first positions filled in.
 */
import type { ExplainPlan } from './explainPlan';

type ConvPlan = Extract<ExplainPlan, { kind: 'conv' }>;

export interface PlayWindow {
  row: number;
  col: number;
  /** Input-map rows/columns the kernel covers, end exclusive; may reach into the padding (negative or past the map). */
  y0: number;
  x0: number;
  y1: number;
  x1: number;
}

/** Step `step` of a row-major sweep over an output map `outW` wide. */
export function playWindow(plan: Pick<ConvPlan, 'kernel' | 'strides' | 'pads' | 'dilations'>, step: number, outW: number): PlayWindow {
  const row = Math.floor(step / outW);
  const col = step % outW;
  const y0 = row * plan.strides[0] - plan.pads[0];
  const x0 = col * plan.strides[1] - plan.pads[1];
  return { row, col, y0, x0, y1: y0 + (plan.kernel[0] - 1) * plan.dilations[0] + 1, x1: x0 + (plan.kernel[1] - 1) * plan.dilations[1] + 1 };
}

/**
 * RGBA of one channel (`w`×`h` values from `offset`), coloured over its own min–max with `lut`
 * (LUT_SIZE×4 bytes); positions from `filled` on are left transparent.
 */
export function channelColours(out: Uint8ClampedArray, data: Float32Array, offset: number, w: number, h: number, lut: Uint8ClampedArray, filled = w * h): void {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < w * h; i++) {
    const v = data[offset + i]!;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const span = max - min || 1;
  const top = lut.length / 4 - 1;
  for (let i = 0; i < w * h; i++) {
    if (i >= filled) {
      out[i * 4 + 3] = 0;
      continue;
    }
    const k = Math.round(((data[offset + i]! - min) / span) * top) * 4;
    out[i * 4] = lut[k]!;
    out[i * 4 + 1] = lut[k + 1]!;
    out[i * 4 + 2] = lut[k + 2]!;
    out[i * 4 + 3] = 255;
  }
}
