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
    scanPlane(data, c * plane, plane);
    means[offset + c] = scan.sum / plane;
    if (scan.at >= 0) insert(t, c * k, k, scan.best, photo, scan.at);
  }
}

/**
 * The same as addPhotoTap from statistics the model computed itself (src/model/exampleStats.ts):
 * each channel's maximum, the first row-major position holding it, and its mean.
 */
export function addPhotoStats(state: TopKState, tapIndex: number, photo: number, max: Float32Array, at: BigInt64Array | Int32Array, mean: Float32Array, means: Float32Array): void {
  const t = state.taps[tapIndex]!;
  if (max.length !== t.channels || at.length !== t.channels || mean.length !== t.channels) throw new RangeError(`Tap "${t.name}": statistics of ${max.length} channels, expected ${t.channels}`);
  const k = state.k;
  const offset = state.meanOffsets[tapIndex]!;
  const plane = t.height * t.width;
  for (let c = 0; c < t.channels; c++) {
    means[offset + c] = mean[c]!;
    const position = Number(at[c]!);
    // NaN never enters, as in the page's own scan (a map holding NaN may report it as its maximum).
    if (max[c]! > -Infinity && position >= 0 && position < plane) insert(t, c * k, k, max[c]!, photo, position);
  }
}

/** scanPlane's answer, reused (the scan runs for every channel of every tap of every photo). */
const scan = { best: -Infinity, at: -1, sum: 0 };

/**
 * Maximum (first position holding it), and sum of one channel's plane. Four lanes take every
 * fourth value, so four comparisons and sums are in flight at once (about 1.4× faster than one
 * lane; this is most of the bookkeeping's time). Each lane keeps its first maximum, and the
 * lanes are merged by value, then by position, which gives the one-lane answer exactly; the
 * sum differs from a one-lane sum only in the last bits of a float64.
 */
function scanPlane(data: Float32Array, start: number, plane: number): void {
  let b0 = -Infinity, b1 = -Infinity, b2 = -Infinity, b3 = -Infinity;
  let a0 = -1, a1 = -1, a2 = -1, a3 = -1;
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  let i = 0;
  for (const end = plane - 3; i < end; i += 4) {
    const p = start + i;
    const v0 = data[p]!, v1 = data[p + 1]!, v2 = data[p + 2]!, v3 = data[p + 3]!;
    s0 += v0;
    s1 += v1;
    s2 += v2;
    s3 += v3;
    if (v0 > b0) (b0 = v0), (a0 = i);
    if (v1 > b1) (b1 = v1), (a1 = i + 1);
    if (v2 > b2) (b2 = v2), (a2 = i + 2);
    if (v3 > b3) (b3 = v3), (a3 = i + 3);
  }
  // The last few values go to lane 0, after all of its earlier positions.
  for (; i < plane; i++) {
    const v = data[start + i]!;
    s0 += v;
    if (v > b0) (b0 = v), (a0 = i);
  }
  let best = b0;
  let at = a0;
  if (b1 > best || (b1 === best && a1 >= 0 && (at < 0 || a1 < at))) (best = b1), (at = a1);
  if (b2 > best || (b2 === best && a2 >= 0 && (at < 0 || a2 < at))) (best = b2), (at = a2);
  if (b3 > best || (b3 === best && a3 >= 0 && (at < 0 || a3 < at))) (best = b3), (at = a3);
  scan.best = best;
  scan.at = at;
  scan.sum = s0 + s1 + (s2 + s3);
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

/** An independent copy: the page keeps one in its store while the working state is in the worker. */
export function cloneTopK(state: TopKState): TopKState {
  return { ...state, meanOffsets: [...state.meanOffsets], taps: state.taps.map((t) => ({ ...t, values: t.values.slice(), photos: t.photos.slice(), positions: t.positions.slice() })) };
}

/** Buffers of a state, for a transfer list (the state moves between page and worker, never copied). */
export function topKBuffers(state: TopKState): ArrayBuffer[] {
  return state.taps.flatMap((t) => [t.values.buffer, t.photos.buffer, t.positions.buffer] as ArrayBuffer[]);
}
