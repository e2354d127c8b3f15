/**
 * One output value of a convolution or a windowed pooling, from the input map and the
 * kernel: the input patch (padding shown as zeros), the kernel of that output channel, the
 * products, their sums per input channel (largest first for a large fan-in) and the bias.
 * ONNX Conv: y[o, r, c] = b[o] + Σ_k Σ_ky Σ_kx x[g·K + k, r·s − p + ky·d, c·s − p + kx·d] · w[o, k, ky, kx],
 * g = the group of output channel o, K = input channels per group.
 */
import type { ExplainPlan } from './explainPlan';
import { formatNumber, largestFirst, sum, TOP_TERMS, type Cell, type ExplainTable, type Explanation, type Position, type Tensor } from './explanation';

type ConvPlan = Extract<ExplainPlan, { kind: 'conv' }>;
type PoolPlan = Extract<ExplainPlan, { kind: 'pool' }>;

/** A kernel-sized window of one input channel; null where the window lies in the padding. */
export function inputWindow(x: Tensor, channel: number, p: Position, kernel: readonly [number, number], strides: readonly [number, number], pads: readonly number[], dilations: readonly [number, number]): (number | null)[][] {
  const [, , H, W] = x.dims as [number, number, number, number];
  const rows: (number | null)[][] = [];
  for (let ky = 0; ky < kernel[0]; ky++) {
    const row: (number | null)[] = [];
    const iy = p.row * strides[0] - pads[0]! + ky * dilations[0];
    for (let kx = 0; kx < kernel[1]; kx++) {
      const ix = p.col * strides[1] - pads[1]! + kx * dilations[1];
      row.push(iy < 0 || iy >= H || ix < 0 || ix >= W ? null : x.data[(channel * H + iy) * W + ix]!);
    }
    rows.push(row);
  }
  return rows;
}

function grid(caption: string, values: (number | null)[][], padding = '0 (padding)'): ExplainTable {
  return { caption, columns: values[0]!.map((_, i) => `column ${i}`), rows: values.map((r) => r.map((v): Cell => (v === null ? padding : v))), grid: true };
}

const times = (a: readonly number[]) => a.join('×');

/** The photo the graph input was made from: RGBA crop pixels and the normalisation, for the stem's input patch. */
export interface PhotoPixels {
  rgba: Uint8ClampedArray;
  width: number;
  height: number;
  mean: readonly number[];
  std: readonly number[];
}

const RGB = ['red', 'green', 'blue'];

export function explainConv(plan: ConvPlan, x: Tensor, w: Tensor, b: Tensor | null, p: Position, photo: PhotoPixels | null = null): Explanation {
  const [cout, cinG, kh, kw] = w.dims as [number, number, number, number];
  const kernel: [number, number] = [kh, kw];
  const cin = x.dims[1]!;
  const group = plan.group;
  const first = Math.floor(p.channel / (cout / group)) * cinG;
  const bias = b ? b.data[p.channel]! : 0;
  const channels: { k: number; win: (number | null)[][]; ker: number[][]; prod: number[][]; s: number }[] = [];
  let scale = Math.abs(bias);
  for (let k = 0; k < cinG; k++) {
    const win = inputWindow(x, first + k, p, kernel, plan.strides, plan.pads, plan.dilations);
    const ker = win.map((row, ky) => row.map((_, kx) => w.data[((p.channel * cinG + k) * kh + ky) * kw + kx]!));
    const prod = win.map((row, ky) => row.map((v, kx) => (v ?? 0) * ker[ky]![kx]!));
    for (const r of prod) for (const v of r) scale += Math.abs(v);
    channels.push({ k: first + k, win, ker, prod, s: sum(prod.flat()) });
  }
  const shape = `${kh}×${kw}`;
  const kind = cinG === 1 && group > 1 ? 'depthwise' : group > 1 ? `grouped (${group} groups)` : kh * kw === 1 ? 'pointwise (1×1)' : `${cin} input channels`;
  const attrs = [`stride ${times(plan.strides)}`, `padding ${plan.pads.join(',')}`, ...(plan.dilations.some((d) => d !== 1) ? [`dilation ${times(plan.dilations)}`] : [])];
  const tables: ExplainTable[] = [];
  const channelTerms = channels.map((c) => ({ label: `input channel ${c.k}: Σ x·w`, value: c.s }));
  const few = cinG <= 3;
  const shown = few ? channelTerms : largestFirst(channelTerms, TOP_TERMS, (n) => `the other ${n} input channels`);
  // The patch, kernel and products of each channel when there are few; else of the largest one.
  const detailed = few ? channels : [channels.reduce((a, c) => (Math.abs(c.s) > Math.abs(a.s) ? c : a))];
  if (kh * kw === 1 && !few) {
    const byTerm = [...channels].sort((a, c) => Math.abs(c.s) - Math.abs(a.s)).slice(0, TOP_TERMS);
    tables.push({ caption: `The ${byTerm.length} largest products x·w of the ${cinG} inputs`, columns: ['input channel', 'x', 'w', 'x·w'], rows: byTerm.map((c) => [c.k, c.win[0]![0] ?? 0, c.ker[0]![0]!, c.s]) });
  } else {
    for (const c of detailed) {
      const of = `input channel ${c.k}`;
      if (photo && c.k < 3 && photo.width === x.dims[3] && photo.height === x.dims[2]) {
        // The stem reads the photo: its pixels (0–255) become (p / 255 − mean) / std.
        const px = inputWindow({ dims: [1, 1, photo.height, photo.width], data: Float32Array.from({ length: photo.width * photo.height }, (_, i) => photo.rgba[i * 4 + c.k]!) }, 0, p, kernel, plan.strides, plan.pads, plan.dilations);
        tables.push(grid(`Photo pixels (${RGB[c.k]}, 0–255) under the kernel; normalised as (pixel / 255 − ${photo.mean[c.k]}) / ${photo.std[c.k]}`, px));
      }
      tables.push(grid(`Input patch (${shape}) of ${of}`, c.win), grid(`Kernel of output channel ${p.channel} for ${of}`, c.ker), grid(`Products x·w for ${of} (sum ${formatNumber(c.s)})`, c.prod, '0'));
    }
  }
  if (!few) tables.push({ caption: `Sums of x·w per input channel, largest first`, columns: ['input channel', 'Σ x·w'], rows: shown.map((t) => [t.label.replace(': Σ x·w', ''), t.value]) });
  const terms = [...shown, ...(b ? [{ label: 'bias', value: bias }] : [])];
  return {
    title: `Convolution ${shape}, ${kind}`,
    op: `Conv (${[`kernel ${shape}`, ...attrs, `group ${group}`].join(', ')})`,
    node: plan.node,
    formula: `y = ${few && cinG === 1 ? 'Σ over the window of x·w' : `Σ over ${cinG} input channels of (Σ over the ${shape} window of x·w)`}${b ? ' + bias' : ''}`,
    steps: b ? [{ label: 'bias', value: bias }] : [],
    tables,
    terms,
    value: sum(terms.map((t) => t.value)),
    scale,
  };
}

export function explainPool(plan: PoolPlan, x: Tensor, p: Position): Explanation {
  const [, , H, W] = x.dims as [number, number, number, number];
  if (plan.pool === 'mean-all') {
    const base = p.channel * H * W;
    let total = 0;
    let scale = 0;
    const rowSums: number[] = [];
    for (let y = 0; y < H; y++) {
      let r = 0;
      for (let c = 0; c < W; c++) r += x.data[base + y * W + c]!;
      rowSums.push(r);
      total += r;
      for (let c = 0; c < W; c++) scale += Math.abs(x.data[base + y * W + c]!);
    }
    const value = total / (H * W);
    const tables: ExplainTable[] = [H * W <= 256 ? grid(`Channel ${p.channel} of the input map (${H}×${W})`, Array.from({ length: H }, (_, y) => Array.from(x.data.subarray(base + y * W, base + y * W + W)))) : { caption: `Sum of each row of channel ${p.channel} (${W} values each)`, columns: ['row', 'sum'], rows: rowSums.map((s, y) => [y, s]) }];
    return {
      title: 'Global average pooling', op: plan.op, node: plan.node, formula: `y = (Σ of the ${H}×${W} = ${H * W} values of the channel) / ${H * W}`,
      steps: [{ label: 'sum', value: total }, { label: 'positions', value: H * W }], tables, terms: [{ label: `sum / ${H * W}`, value }], value, scale: scale / (H * W),
    };
  }
  const win = inputWindow(x, p.channel, p, plan.kernel, plan.strides, plan.pads, plan.dilations);
  const inside = win.flat().filter((v): v is number => v !== null);
  const value = plan.pool === 'max' ? Math.max(...inside) : sum(inside) / inside.length;
  return {
    title: plan.pool === 'max' ? 'Max pooling' : 'Average pooling', op: `${plan.op} (kernel ${times(plan.kernel)}, stride ${times(plan.strides)}, padding ${plan.pads.join(',')})`, node: plan.node,
    formula: plan.pool === 'max' ? 'y = the largest value in the window (padding is left out)' : `y = mean of the ${inside.length} values inside the window (padding is left out)`,
    steps: [], tables: [grid(`Window of input channel ${p.channel}`, win, '(padding, left out)')], terms: [{ label: plan.pool === 'max' ? 'max' : 'mean', value }], value, scale: Math.max(...inside.map(Math.abs)),
  };
}
