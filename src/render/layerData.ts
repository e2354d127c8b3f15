import { computeChannelStats, meanMap, type ChannelStats } from './stats';
import type { LayerTensor } from './types';

/*
 * A run's tensors never change, so each summary is computed at most once per tensor,
 * and only for the taps a view actually shows. The worker used to summarise every tap
 * before posting a run: that doubled the time to the first painted grid on ConvNeXt-Tiny
 * (`npm run bench`), while one layer's scan here takes a few milliseconds.
 */
const statsCache = new WeakMap<Float32Array, ChannelStats>();
const meanMapCache = new WeakMap<Float32Array, Float32Array>();

function once<T>(cache: WeakMap<Float32Array, T>, tensor: LayerTensor, compute: (map: LayerTensor) => T): T {
  let value = cache.get(tensor.data);
  if (value === undefined) {
    value = compute(asMap(tensor));
    cache.set(tensor.data, value);
  }
  return value;
}

/** Per-channel statistics of a tap, computed on first use. */
export function layerStats(tensor: LayerTensor): ChannelStats {
  return once(statsCache, tensor, computeChannelStats);
}

/** Mean over channels at each position (H*W), for overlays and the stage overview; computed on first use. */
export function layerMeanMap(tensor: LayerTensor): Float32Array {
  return once(meanMapCache, tensor, meanMap);
}

/** Logits ([N]) drawn like a layer of N one-pixel channels, so every tap can be shown. */
export function asMap(tensor: LayerTensor): LayerTensor {
  return tensor.shape.length === 1 ? { ...tensor, shape: [tensor.shape[0]!, 1, 1] } : tensor;
}
