import { computeChannelStats, type ChannelStats } from '../render/stats';
import type { LayerTensor } from '../render/types';

const statsCache = new WeakMap<Float32Array, ChannelStats>();

/** Stores the statistics the worker computed for a tensor, so layerStats never rescans it. */
export function rememberStats(data: Float32Array, stats: ChannelStats): void {
  statsCache.set(data, stats);
}

/** Per-channel statistics, computed once per tensor (a run's tensors never change); normally the worker's. */
export function layerStats(tensor: LayerTensor): ChannelStats {
  let stats = statsCache.get(tensor.data);
  if (!stats) {
    stats = computeChannelStats(asMap(tensor));
    statsCache.set(tensor.data, stats);
  }
  return stats;
}

/** Logits ([N]) drawn like a layer of N one-pixel channels, so every tap can be shown. */
export function asMap(tensor: LayerTensor): LayerTensor {
  return tensor.shape.length === 1 ? { ...tensor, shape: [tensor.shape[0]!, 1, 1] } : tensor;
}
