/**
 * What the worker computes once per run for every tap, next to the raw tensor:
 * per-channel statistics and the mean map. Doing it here keeps whole-layer scans
 * off the page's main thread; the arrays travel in the transfer list.
 */
import { computeChannelStats, meanMap, type ChannelStats } from '../render/stats';

/** `shape` is the manifest's shape without batch: [C, H, W] for maps, [N] for logits (read as N one-pixel channels). */
export function summariseTap(data: Float32Array, shape: readonly number[]): { stats: ChannelStats; meanMap: Float32Array } {
  const mapShape = shape.length === 1 ? [shape[0]!, 1, 1] : [...shape];
  const tensor = { name: 'tap', shape: mapShape, data };
  return { stats: computeChannelStats(tensor), meanMap: meanMap(tensor) };
}
