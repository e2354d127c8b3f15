/**
 * One layer's activations as they come out of the model worker.
 * `shape` is [C, H, W] and `data` is channel-major (CHW), so channel `c`
 * occupies the contiguous slice `[c*H*W, (c+1)*H*W)`; every function in
 * this folder relies on that contiguity to avoid strided reads.
 */
export interface LayerTensor {
  name: string;
  shape: number[];
  data: Float32Array;
}

/** Closed value interval that gets stretched over a colour map. */
export interface ValueRange {
  min: number;
  max: number;
}

/**
 * Reads [C, H, W] from a tensor, accepting [1, C, H, W] too because ONNX
 * outputs usually keep the batch axis and callers should not have to strip it.
 */
export function tensorDims(tensor: LayerTensor): { channels: number; height: number; width: number } {
  let s = tensor.shape;
  if (s.length === 4 && s[0] === 1) s = s.slice(1);
  if (s.length !== 3) {
    throw new Error(`Layer "${tensor.name}": expected shape [C,H,W], got [${tensor.shape.join(',')}]`);
  }
  const channels = s[0]!;
  const height = s[1]!;
  const width = s[2]!;
  if (channels * height * width !== tensor.data.length) {
    throw new Error(
      `Layer "${tensor.name}": shape [${tensor.shape.join(',')}] needs ${channels * height * width} values, data has ${tensor.data.length}`,
    );
  }
  return { channels, height, width };
}
