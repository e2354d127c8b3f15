import { computeChannelStats, meanMap, type ChannelStats } from '../render/stats';
import type { LayerTensor } from '../render/types';

/*
 * A run's tensors never change, so each summary is computed at most once per tensor,
 * and only for the taps a view actually shows. The worker used to summarise every tap
 * before posting a run: that doubled the time to the first painted grid on ConvNeXt-Tiny
 * (`npm run bench`), while one layer's scan here takes a few milliseconds.
 */
const statsCache = new WeakMap<Float32Array, ChannelStats>();
const meanMapCache = new WeakMap<Float32Array, Float32Array>();

/** Per-channel statistics of a tap, computed on first use. */
export function layerStats(tensor: LayerTensor): ChannelStats {
  let stats = statsCache.get(tensor.data);
  if (!stats) {
    stats = computeChannelStats(asMap(tensor));
    statsCache.set(tensor.data, stats);
  }
  return stats;
}

/** Mean over channels at each position (H*W), for overlays and the stage overview; computed on first use. */
export function layerMeanMap(tensor: LayerTensor): Float32Array {
  let map = meanMapCache.get(tensor.data);
  if (!map) {
    map = meanMap(asMap(tensor));
    meanMapCache.set(tensor.data, map);
  }
  return map;
}

/** Logits ([N]) drawn like a layer of N one-pixel channels, so every tap can be shown. */
export function asMap(tensor: LayerTensor): LayerTensor {
  return tensor.shape.length === 1 ? { ...tensor, shape: [tensor.shape[0]!, 1, 1] } : tensor;
}
