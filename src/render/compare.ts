import type { NormalisationMode } from './normalise';
import type { ChannelStats } from './stats';
import { tensorDims, type LayerTensor, type ValueRange } from './types';

/** A − B, element by element, for two runs of the same layer. */
export function differenceTensor(a: LayerTensor, b: LayerTensor): LayerTensor {
  const da = tensorDims(a);
  const db = tensorDims(b);
  if (da.channels !== db.channels || da.height !== db.height || da.width !== db.width) {
    throw new Error(`Cannot subtract "${b.name}" [${b.shape.join(',')}] from "${a.name}" [${a.shape.join(',')}]: shapes differ`);
  }
  const out = new Float32Array(a.data.length);
  for (let i = 0; i < out.length; i++) out[i] = a.data[i]! - b.data[i]!;
  return { name: `${a.name} (A − B)`, shape: a.shape, data: out };
}

function symmetricOf(m: number): ValueRange {
  return m > 0 && Number.isFinite(m) ? { min: -m, max: m } : { min: -1, max: 1 };
}

/**
 * The one colour scale photos A and B share for a channel. Per-channel mode takes
 * the union of both channels' extents (so a tile of A and the same tile of B are
 * directly comparable); layer mode the union of both layers; symmetric mode ±the
 * largest magnitude of either.
 */
export function sharedRange(a: ChannelStats, b: ChannelStats, channel: number, mode: NormalisationMode): ValueRange {
  switch (mode) {
    case 'channel':
      return { min: Math.min(a.min[channel]!, b.min[channel]!), max: Math.max(a.max[channel]!, b.max[channel]!) };
    case 'layer':
      return { min: Math.min(a.layerMin, b.layerMin), max: Math.max(a.layerMax, b.layerMax) };
    case 'symmetric':
      return symmetricOf(Math.max(a.maxAbs, b.maxAbs));
    default: {
      const never: never = mode;
      throw new Error(`Unknown normalisation mode ${String(never)}`);
    }
  }
}

/**
 * Range for the difference A − B: always symmetric around 0 (drawn with the
 * diverging map, so "more in A" and "more in B" get opposite colours). Per channel
 * in per-channel mode, over the whole difference layer otherwise.
 */
export function differenceRange(diff: ChannelStats, channel: number, mode: NormalisationMode): ValueRange {
  if (mode === 'channel') return symmetricOf(Math.max(Math.abs(diff.min[channel]!), Math.abs(diff.max[channel]!)));
  return symmetricOf(diff.maxAbs);
}
