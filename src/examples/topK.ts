/**
 * Dataset examples bookkeeping: for every tap and channel, the K photos whose maximum over
 * positions is highest, with where that maximum is; and per photo, each channel's mean.
 * Memory is taps × channels × K (the means are one small array per photo, kept by the
 * caller), never proportional to photos × positions.
 *
 * Ties, defined so the result is reproducible: a photo's maximum is at its FIRST position in
 * row-major order holding that value; between photos, an equal value never displaces an
 * entry already kept, so of equal values the photo processed first ranks higher. NaN never
 * enters. Pure and allocation-free in the inner loops (tight loops over Float32Arrays).
 */

export const TOP_K = 9;

/** One tap's table: slot (c·K + rank) holds rank `rank` (0 = strongest) of channel c. */
export interface TapTopK {
  name: string;
  channels: number;
  height: number;
  width: number;
  values: Float32Array;
  /** Photo id, or -1 for an empty slot (fewer photos than K so far). */
  photos: Int32Array;
  /** row · width + col of the maximum on the tap's own grid. */
  positions: Int32Array;
}

export interface TopKState {
  /** What these numbers belong to (model id and input): a different model starts again. */
  modelKey: string;
  k: number;
  taps: TapTopK[];
  /** Offset of each tap's channels in a photo's means array (the taps' channel counts summed before it). */
  meanOffsets: number[];
  /** Channels of all taps together: the length of one photo's means. */
  totalChannels: number;
}

export interface TapGeometry {
  name: string;
  channels: number;
  height: number;
  width: number;
}

/** Dims of a tap's output without its batch axis: [C, H, W], or [C] for class scores (one position). */
export function tapGeometry(name: string, dims: readonly number[]): TapGeometry {
  const d = dims.length === 4 || dims.length === 2 ? dims.slice(1) : dims;
  if (d.length === 3) return { name, channels: d[0]!, height: d[1]!, width: d[2]! };
  if (d.length === 1) return { name, channels: d[0]!, height: 1, width: 1 };
  throw new RangeError(`Tap "${name}": cannot keep examples of a [${dims.join(',')}] output`);
}

export function createTopK(modelKey: string, taps: readonly TapGeometry[], k = TOP_K): TopKState {
  const meanOffsets: number[] = [];
  let total = 0;
  const tables = taps.map((t) => {
    meanOffsets.push(total);
    total += t.channels;
    const n = t.channels * k;
    return { ...t, values: new Float32Array(n).fill(-Infinity), photos: new Int32Array(n).fill(-1), positions: new Int32Array(n) };
  });
  return { modelKey, k, taps: tables, meanOffsets, totalChannels: total };
}

/**
 * Adds one photo's output of tap `tapIndex` (C·H·W values, channel-major) to its table and
 * writes the per-channel means into `means` at the tap's offset.
 */
export function addPhotoTap(state: TopKState, tapIndex: number, photo: number, data: Float32Array, means: Float32Array): void {
  const t = state.taps[tapIndex]!;
  const plane = t.height * t.width;
  if (data.length !== t.channels * plane) throw new RangeError(`Tap "${t.name}": ${data.length} values, expected ${t.channels * plane}`);
  const k = state.k;
  const offset = state.meanOffsets[tapIndex]!;
  for (let c = 0; c < t.channels; c++) {
    const start = c * plane;
    let best = -Infinity;
    let at = -1;
    let sum = 0;
    for (let i = 0; i < plane; i++) {
      const v = data[start + i]!;
      sum += v;
      if (v > best) {
        best = v;
        at = i;
      }
    }
    means[offset + c] = sum / plane;
    if (at >= 0) insert(t, c * k, k, best, photo, at);
  }
}

/** Inserts after every entry >= value (ties keep the earlier photo first); drops the weakest when full. */
function insert(t: TapTopK, base: number, k: number, value: number, photo: number, position: number): void {
  const values = t.values;
  if (!(value > values[base + k - 1]!)) return;
  let r = k - 1;
  while (r > 0 && value > values[base + r - 1]!) {
    values[base + r] = values[base + r - 1]!;
    t.photos[base + r] = t.photos[base + r - 1]!;
    t.positions[base + r] = t.positions[base + r - 1]!;
    r--;
  }
  values[base + r] = value;
  t.photos[base + r] = photo;
  t.positions[base + r] = position;
}

export interface Example {
  rank: number;
  photo: number;
  row: number;
  col: number;
  value: number;
}

/** The kept examples of one channel, strongest first (fewer than K while fewer photos were seen). */
export function channelExamples(t: TapTopK, k: number, channel: number): Example[] {
  const out: Example[] = [];
  for (let r = 0; r < k; r++) {
    const i = channel * k + r;
    const photo = t.photos[i]!;
    if (photo < 0) break;
    const p = t.positions[i]!;
    out.push({ rank: r + 1, photo, row: Math.floor(p / t.width), col: p % t.width, value: t.values[i]! });
  }
  return out;
}

/** Buffers of a state, for a transfer list (the state moves between page and worker, never copied). */
export function topKBuffers(state: TopKState): ArrayBuffer[] {
  return state.taps.flatMap((t) => [t.values.buffer, t.photos.buffer, t.positions.buffer] as ArrayBuffer[]);
}
