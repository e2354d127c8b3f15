/**
 * Checkpoint bytes → a ready inference session, step by step with the time each took: what the
 * worker does, and what the bench times against InferenceSession.create on an exported .onnx.
 * `create` is the engine's own (onnxruntime-web in the page, onnxruntime-node in the bench), so
 * this module depends on neither.
 */
import type { Manifest } from '../model/manifest';
import { buildFromCheckpoint, type CheckpointSidecars } from './buildFromCheckpoint';
import { readCheckpoint } from './readCheckpoint';

export interface CheckpointTimings {
  /** Bytes → tensors (readCheckpoint). */
  readMs: number;
  /** Tensors → ONNX bytes and manifest (buildFromCheckpoint). */
  buildMs: number;
  /** ONNX bytes → session (the engine's create). */
  createMs: number;
  /** Size of the weights read (float32), and of the ONNX file built from them. */
  weightBytes: number;
  onnxBytes: number;
  /**
   * Bytes held when the build ends, before the engine copies the graph: the file, the tensors
   * that are not views of it, and the built ONNX (distinct ArrayBuffers, each counted once).
   */
  heldBytes: number;
}

export async function createCheckpointSession<S>(
  bytes: Uint8Array,
  sidecars: CheckpointSidecars,
  create: (onnx: Uint8Array) => Promise<S>,
  now: () => number = () => performance.now(),
): Promise<{ session: S; manifest: Manifest; timings: CheckpointTimings }> {
  const t0 = now();
  const weights = readCheckpoint(bytes, sidecars.fileName);
  const t1 = now();
  const { onnx, manifest } = buildFromCheckpoint(weights, sidecars);
  const t2 = now();
  const buffers = new Set<ArrayBufferLike>([bytes.buffer, onnx.buffer]);
  for (const t of weights.values()) buffers.add(t.data.buffer);
  let heldBytes = 0;
  for (const b of buffers) heldBytes += b.byteLength;
  const session = await create(onnx);
  const t3 = now();
  let weightBytes = 0;
  for (const t of weights.values()) weightBytes += t.data.byteLength;
  return { session, manifest, timings: { readMs: t1 - t0, buildMs: t2 - t1, createMs: t3 - t2, weightBytes, onnxBytes: onnx.byteLength, heldBytes } };
}
