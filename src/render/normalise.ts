import type { ChannelStats } from './stats';
import { tensorDims, type LayerTensor, type ValueRange } from './types';

/**
 * - 'channel': each tile stretched to its own min..max — shows every channel's pattern, hides relative strength.
 * - 'layer': one min..max for the whole layer (or a caller-supplied shared range when two photos are compared).
 * - 'symmetric': [-m, m] with m = max |v|, so 0 lands in the middle of a diverging map.
 */
export type NormalisationMode = 'channel' | 'layer' | 'symmetric';

export const NORMALISATION_MODES: readonly { id: NormalisationMode; label: string }[] = [
  { id: 'channel', label: 'Per channel' },
  { id: 'layer', label: 'Whole layer' },
  { id: 'symmetric', label: 'Symmetric around 0' },
];

interface Extent {
  min: number;
  max: number;
  maxAbs: number;
}

/**
 * Layer extents cached per data buffer: in 'layer' mode every one of the 128
 * tiles asks for the same range, and rescanning ~1.2M floats per tile would
 * dominate a repaint. Keyed weakly so old inference outputs can be collected;
 * this assumes tensors are not mutated in place after first use.
 */
const extentCache = new WeakMap<Float32Array, Extent>();

function layerExtent(tensor: LayerTensor): Extent {
  const cached = extentCache.get(tensor.data);
  if (cached) return cached;
  const d = tensor.data;
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < d.length; i++) {
    const v = d[i]!;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (lo > hi) {
    lo = 0;
    hi = 0;
  }
  const e = { min: lo, max: hi, maxAbs: Math.max(Math.abs(lo), Math.abs(hi)) };
  extentCache.set(tensor.data, e);
  return e;
}

function channelExtent(tensor: LayerTensor, channel: number): ValueRange {
  const { channels, height, width } = tensorDims(tensor);
  if (!Number.isInteger(channel) || channel < 0 || channel >= channels) {
    throw new RangeError(`Channel ${channel} out of range for layer "${tensor.name}" with ${channels} channels`);
  }
  const hw = height * width;
  const d = tensor.data;
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = channel * hw, end = i + hw; i < end; i++) {
    const v = d[i]!;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo > hi ? { min: 0, max: 0 } : { min: lo, max: hi };
}

/**
 * Symmetric range that never collapses: an all-zero layer gets [-1, 1] so
 * zeros still land on the diverging map's neutral centre instead of index 0.
 */
function symmetric(m: number): ValueRange {
  return m > 0 && Number.isFinite(m) ? { min: -m, max: m } : { min: -1, max: 1 };
}

/**
 * The value interval mapped onto LUT indices 0..255 for one tile.
 *
 * `shared` overrides the layer extent in 'layer' and 'symmetric' modes (put
 * two photos on one scale by passing the union of their ranges, see
 * `unionRange`); it is ignored in 'channel' mode, which is per-tile by design.
 * `stats`, when already computed, avoids any scan of the data.
 *
 * A constant channel returns min === max; `renderChannel` draws that as LUT
 * index 0 (never NaN), which reads as "nothing here" on sequential maps.
 */
export function valueRange(
  tensor: LayerTensor,
  channel: number,
  mode: NormalisationMode,
  shared?: ValueRange,
  stats?: ChannelStats,
): ValueRange {
  switch (mode) {
    case 'channel': {
      if (stats && channel >= 0 && channel < stats.channels) {
        return { min: stats.min[channel]!, max: stats.max[channel]! };
      }
      return channelExtent(tensor, channel);
    }
    case 'layer': {
      if (shared) return { min: shared.min, max: shared.max };
      if (stats) return { min: stats.layerMin, max: stats.layerMax };
      const e = layerExtent(tensor);
      return { min: e.min, max: e.max };
    }
    case 'symmetric': {
      if (shared) return symmetric(Math.max(Math.abs(shared.min), Math.abs(shared.max)));
      return symmetric(stats ? stats.maxAbs : layerExtent(tensor).maxAbs);
    }
    default: {
      const never: never = mode;
      throw new Error(`Unknown normalisation mode ${String(never)}`);
    }
  }
}

/** Whole-layer extent of several tensors, for comparing photos on one colour scale. */
export function unionRange(tensors: readonly LayerTensor[]): ValueRange {
  let lo = Infinity;
  let hi = -Infinity;
  for (const t of tensors) {
    if (t.data.length === 0) continue;
    const e = layerExtent(t);
    if (e.min < lo) lo = e.min;
    if (e.max > hi) hi = e.max;
  }
  return lo > hi ? { min: 0, max: 0 } : { min: lo, max: hi };
}

/**
 * LUT index for a value — the same arithmetic as the render loop, exported
 * for tooltips, legends and tests. Degenerate ranges and NaN give 0.
 */
export function lutIndex(v: number, range: ValueRange): number {
  const span = range.max - range.min;
  if (!(span > 0) || !Number.isFinite(span)) return 0;
  const scale = 255 / span;
  const x = (v - range.min) * scale + 0.5;
  return x >= 255 ? 255 : x > 0 ? Math.floor(x) : 0;
}
