/**
 * What the network map draws for one tap: a spatial layer as its mean over channels,
 * a vector (pooled features, logits) as its values laid out row by row in a square.
 * Pure: the caller supplies the mean map (cached per tensor elsewhere).
 */
import type { LayerTensor, ValueRange } from './types';

export interface Thumbnail {
  values: Float32Array;
  width: number;
  height: number;
  range: ValueRange;
}

function rangeOf(values: Float32Array, count = values.length): ValueRange {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < count; i++) {
    const v = values[i]!;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (!(min < max)) return { min: Number.isFinite(min) ? min - 1 : -1, max: Number.isFinite(max) ? max + 1 : 1 };
  return { min, max };
}

/** True when the tap has more than one position: it is drawn as a map, not as a vector. */
export function isSpatial(tensor: LayerTensor): boolean {
  const [, h = 1, w = 1] = tensor.shape;
  return tensor.shape.length === 3 && h * w > 1;
}

/**
 * A thumbnail for `tensor`. `mean` is the mean map (H*W) of a spatial tensor; vectors
 * (shape [N] or [N,1,1]) are padded with their minimum to the next square.
 */
export function thumbnailOf(tensor: LayerTensor, mean: () => Float32Array): Thumbnail {
  if (isSpatial(tensor)) {
    const [, h = 1, w = 1] = tensor.shape;
    const values = mean();
    return { values, width: w, height: h, range: rangeOf(values) };
  }
  const n = tensor.data.length;
  const side = Math.max(1, Math.ceil(Math.sqrt(n)));
  const values = new Float32Array(side * side);
  const range = rangeOf(tensor.data, n);
  values.fill(range.min);
  values.set(tensor.data.subarray(0, n));
  return { values, width: side, height: side, range };
}
