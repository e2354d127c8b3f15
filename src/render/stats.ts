import { tensorDims, type LayerTensor } from './types';

export interface ChannelStats {
  /** Number of channels (C). */
  channels: number;
  /** Values per channel (H*W); kept so consumers can turn fractions back into counts. */
  count: number;
  min: Float32Array;
  max: Float32Array;
  mean: Float32Array;
  /** Population standard deviation (divides by H*W), matching numpy's default `std()`. */
  std: Float32Array;
  /** Share of values strictly greater than 0 — "how much of the map fires" after GELU/ReLU-like layers. */
  fracPositive: Float32Array;
  layerMin: number;
  layerMax: number;
  /** max |v| over the layer; the half-width used by symmetric normalisation. */
  maxAbs: number;
}

/**
 * Per-channel summary in a single pass with scalar locals only, because it
 * runs on every inference over up to 384×56×56 floats on the main thread.
 * Variance uses sums shifted by the channel's first value so that channels
 * with a large mean and small spread do not lose precision (E[x²]−E[x]²
 * cancellation); sums are float64.
 */
export function computeChannelStats(tensor: LayerTensor): ChannelStats {
  const { channels, height, width } = tensorDims(tensor);
  const hw = height * width;
  const data = tensor.data;
  const min = new Float32Array(channels);
  const max = new Float32Array(channels);
  const mean = new Float32Array(channels);
  const std = new Float32Array(channels);
  const fracPositive = new Float32Array(channels);
  let layerMin = Infinity;
  let layerMax = -Infinity;

  for (let c = 0; c < channels; c++) {
    const start = c * hw;
    const end = start + hw;
    if (hw === 0) {
      min[c] = max[c] = mean[c] = std[c] = fracPositive[c] = 0;
      continue;
    }
    const shift = data[start]!;
    let lo = Infinity;
    let hi = -Infinity;
    let sum = 0;
    let sumSq = 0;
    let positive = 0;
    for (let i = start; i < end; i++) {
      const v = data[i]!;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
      if (v > 0) positive++;
      const d = v - shift;
      sum += d;
      sumSq += d * d;
    }
    const m = sum / hw;
    const variance = sumSq / hw - m * m;
    min[c] = lo;
    max[c] = hi;
    mean[c] = shift + m;
    std[c] = variance > 0 ? Math.sqrt(variance) : 0;
    fracPositive[c] = positive / hw;
    if (lo < layerMin) layerMin = lo;
    if (hi > layerMax) layerMax = hi;
  }

  if (layerMin > layerMax) {
    // Empty layer, or every value NaN: report a harmless zero range instead of ±Infinity.
    layerMin = 0;
    layerMax = 0;
  }
  return {
    channels,
    count: hw,
    min,
    max,
    mean,
    std,
    fracPositive,
    layerMin,
    layerMax,
    maxAbs: Math.max(Math.abs(layerMin), Math.abs(layerMax)),
  };
}

/**
 * A channel is "dead" when it carries no spatial information for this
 * input. The tolerance is relative for large magnitudes so float32 noise on
 * big constant outputs still counts as constant.
 */
export function isDeadChannel(stats: ChannelStats, c: number): boolean {
  const hi = stats.max[c];
  const lo = stats.min[c];
  if (hi === undefined || lo === undefined) return false;
  return hi - lo <= 1e-7 * Math.max(1, Math.abs(hi));
}

export type ChannelSortKey = 'index' | 'mean' | 'max' | 'active';

/**
 * Display order for the grid. Ties (and NaN, which sorts last) keep channel
 * index order so the grid does not shuffle between otherwise equal renders.
 */
export function sortChannels(stats: ChannelStats, key: ChannelSortKey, hideDead: boolean): Int32Array {
  const order: number[] = [];
  for (let c = 0; c < stats.channels; c++) {
    if (!hideDead || !isDeadChannel(stats, c)) order.push(c);
  }
  if (key !== 'index') {
    const values = key === 'mean' ? stats.mean : key === 'max' ? stats.max : stats.fracPositive;
    const v = (c: number): number => {
      const x = values[c]!;
      return Number.isNaN(x) ? -Infinity : x;
    };
    order.sort((a, b) => {
      const va = v(a);
      const vb = v(b);
      return vb > va ? 1 : vb < va ? -1 : a - b;
    });
  }
  return Int32Array.from(order);
}

/** The `k` channels with the highest mean activation (dead channels included; they sort low anyway). */
export function strongestChannels(stats: ChannelStats, k: number): Int32Array {
  const n = Math.max(0, Math.min(stats.channels, Math.floor(k)));
  return sortChannels(stats, 'mean', false).slice(0, n);
}

/** 7 significant digits: all a float32 holds, without "0.10000000149011612" noise. */
function csvNumber(v: number): string {
  if (!Number.isFinite(v)) return Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity';
  return String(Number(v.toPrecision(7)));
}

/**
 * CSV for download. The first line is the column header (no comment line) so
 * spreadsheet tools and `pandas.read_csv` open it without options; the layer
 * name belongs in the file name — see `statsCsvFileName`.
 */
export function statsToCsv(tensorName: string, stats: ChannelStats): string {
  void tensorName;
  const lines = ['channel,min,max,mean,std,fraction_positive'];
  for (let c = 0; c < stats.channels; c++) {
    lines.push(
      [
        String(c),
        csvNumber(stats.min[c]!),
        csvNumber(stats.max[c]!),
        csvNumber(stats.mean[c]!),
        csvNumber(stats.std[c]!),
        csvNumber(stats.fracPositive[c]!),
      ].join(','),
    );
  }
  return lines.join('\n') + '\n';
}

/** Filesystem-safe download name; ONNX tensor names contain '/' and ':'. */
export function statsCsvFileName(tensorName: string): string {
  const safe = tensorName.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^_+|_+$/g, '') || 'layer';
  return `${safe}_channel_stats.csv`;
}

/**
 * Mean over channels at each position (length H*W): a cheap "where does this
 * layer respond" map for overlaying on the photo. Accumulates in float64 and
 * walks channels in memory order for cache-friendly reads.
 */
export function meanMap(tensor: LayerTensor): Float32Array {
  const { channels, height, width } = tensorDims(tensor);
  const hw = height * width;
  const data = tensor.data;
  const acc = new Float64Array(hw);
  // Four channels per pass over `acc`: half the time of one at a time (the network map and
  // the overlay take this of every layer a camera frame brings).
  let c = 0;
  for (; c + 4 <= channels; c += 4) {
    const b0 = c * hw;
    const b1 = b0 + hw;
    const b2 = b1 + hw;
    const b3 = b2 + hw;
    for (let i = 0; i < hw; i++) acc[i]! += data[b0 + i]! + data[b1 + i]! + (data[b2 + i]! + data[b3 + i]!);
  }
  for (; c < channels; c++) {
    const base = c * hw;
    for (let i = 0; i < hw; i++) acc[i]! += data[base + i]!;
  }
  const out = new Float32Array(hw);
  if (channels > 0) for (let i = 0; i < hw; i++) out[i] = acc[i]! / channels;
  return out;
}
