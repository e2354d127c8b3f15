/**
 * A checkpoint's bytes to the ONNX graph and manifest the session is made from: read the
 * tensors (src/checkpoint/readCheckpoint.ts, which refuses anything but plain weights), then
 * build the ConvNeXt graph (src/checkpoint/buildFromCheckpoint.ts). Both are synchronous and
 * pure; the checkpoint's bytes and tensors are garbage once this returns.
 */
import { buildFromCheckpoint } from '../checkpoint/buildFromCheckpoint';
import { readCheckpoint } from '../checkpoint/readCheckpoint';
import { CheckpointError } from '../checkpoint/types';
import type { Manifest } from '../model/manifest';
import type { CheckpointBuild, ProgressStage } from './protocol';
import { WorkerError } from './workerError';

export interface BuiltModel {
  onnx: Uint8Array;
  manifest: Manifest;
}

export function buildCheckpointModel(
  bytes: Uint8Array,
  fileName: string,
  build: CheckpointBuild,
  progress: (stage: ProgressStage, loaded: number, total: number | null) => void,
): BuiltModel {
  try {
    progress('build', 0, null);
    const weights = readCheckpoint(bytes, fileName);
    progress('build', 1, null);
    return buildFromCheckpoint(weights, { ...build, fileName });
  } catch (e) {
    // The reader's and builder's sentences are written for the page: shown as they are.
    if (e instanceof CheckpointError) throw new WorkerError('model-invalid', e.message);
    throw e;
  }
}
