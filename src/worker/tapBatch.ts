/**
 * Several photos in one session.run, where the model's batch axis is dynamic (the Examples
 * view's folders): the inputs stacked along it, and every tap's output cut back into one
 * view per photo. The views share the run's buffers (subarrays, never copied).
 */
import type { TapOutput } from './protocol';

/** N normalised inputs of one size, one after the other: the batch-N tensor's data (one input: itself, not copied). */
export function stackInputs(tensors: readonly Float32Array[]): Float32Array {
  if (tensors.length === 1) return tensors[0]!;
  const size = tensors[0]?.length ?? 0;
  const out = new Float32Array(size * tensors.length);
  tensors.forEach((t, i) => {
    if (t.length !== size) throw new RangeError(`Input ${i} has ${t.length} values, the first has ${size}`);
    out.set(t, i * size);
  });
  return out;
}

/**
 * Each photo's taps from a batch-`batch` run, dims with a batch of 1. A tap without a
 * leading batch axis of that size cannot be cut per photo: an error, not a guess.
 */
export function unstackOutputs(taps: readonly TapOutput[], batch: number): TapOutput[][] {
  const per = taps.map((t) => {
    if (t.dims[0] !== batch || t.data.length % batch !== 0) throw new RangeError(`Tap "${t.name}" is [${t.dims.join(',')}]: no batch axis of ${batch} to cut along`);
    return t.data.length / batch;
  });
  return Array.from({ length: batch }, (_, b) => taps.map((t, i) => ({ name: t.name, dims: [1, ...t.dims.slice(1)], data: t.data.subarray(b * per[i]!, (b + 1) * per[i]!) })));
}
