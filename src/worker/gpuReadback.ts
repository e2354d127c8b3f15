/**
 * Reads every output of a WebGPU run back to the CPU in one GPU round trip.
 *
 * onnxruntime-web's own download (outputs on 'cpu', or Tensor.getData()) maps one staging
 * buffer per output and waits for the GPU each time. On an NVIDIA H200 that was 49 of the
 * 63 ms of a ConvNeXt-Atto run with its 43 taps, and 118 of 135 ms for Tiny's 61
 * (`bench/gpu/`). Here the session leaves its outputs on the GPU ('gpu-buffer'); one command
 * copies them all into a single staging buffer, which is mapped once.
 */

export interface ReadbackPart {
  buffer: GPUBuffer;
  /** Bytes of data at the start of `buffer` (onnxruntime rounds buffer sizes up). */
  byteLength: number;
}

export interface ReadbackLayout {
  /** Where each part starts in the staging buffer. */
  offsets: number[];
  totalBytes: number;
}

/** copyBufferToBuffer wants offsets and sizes that are multiples of 4; float32 data always is. */
export function readbackLayout(byteLengths: readonly number[]): ReadbackLayout {
  const offsets: number[] = [];
  let total = 0;
  for (const n of byteLengths) {
    if (n % 4 !== 0) throw new RangeError(`A GPU read-back part of ${n} bytes is not a whole number of 4-byte words`);
    offsets.push(total);
    total += n;
  }
  return { offsets, totalBytes: total };
}

/**
 * One ArrayBuffer holding every part, in order; the returned arrays are views into it, so
 * a transfer list moves it once.
 */
export async function readBackAll(device: GPUDevice, parts: readonly ReadbackPart[]): Promise<Float32Array[]> {
  const layout = readbackLayout(parts.map((p) => p.byteLength));
  if (layout.totalBytes === 0) return parts.map(() => new Float32Array(0));
  const staging = device.createBuffer({ size: layout.totalBytes, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  try {
    const encoder = device.createCommandEncoder();
    parts.forEach((p, i) => {
      if (p.byteLength > 0) encoder.copyBufferToBuffer(p.buffer, 0, staging, layout.offsets[i]!, p.byteLength);
    });
    device.queue.submit([encoder.finish()]);
    await staging.mapAsync(GPUMapMode.READ);
    // A copy out of the mapping: mapped memory is gone once the buffer is unmapped.
    const all = staging.getMappedRange().slice(0);
    staging.unmap();
    return parts.map((p, i) => new Float32Array(all, layout.offsets[i]!, p.byteLength / 4));
  } finally {
    staging.destroy();
  }
}
