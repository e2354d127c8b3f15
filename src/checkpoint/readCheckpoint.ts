/**
 * Any checkpoint file to its tensors, told apart by its first bytes (not its extension: a
 * `.bin` may be a zip or a safetensors file, and a renamed file is still what it is).
 */
import { MAX_MODEL_BYTES, megabytes } from '../model/limits';
import { looksLikeSafetensors, readSafetensors } from './safetensors';
import { LEGACY_MESSAGE, looksLikeLegacyTorch, readTorchZip } from './torchZip';
import { CheckpointError, type WeightMap } from './types';
import { looksLikeZip } from './zip';

/** File names the page treats as checkpoints (to build) rather than ONNX models (to run). */
export const CHECKPOINT_EXTENSIONS = ['.safetensors', '.pth', '.pt', '.bin'] as const;

export function isCheckpointName(fileName: string): boolean {
  const lower = fileName.toLowerCase();
  return CHECKPOINT_EXTENSIONS.some((ext) => lower.endsWith(ext));
}

/** Only CheckpointError leaves here: a reader bug on a hostile file still reads as a sentence. */
export function readCheckpoint(bytes: Uint8Array, fileName: string): WeightMap {
  const what = fileName.slice(0, 120);
  if (bytes.length > MAX_MODEL_BYTES) {
    throw new CheckpointError(`${what} is ${megabytes(bytes.length)}, more than the ${megabytes(MAX_MODEL_BYTES)} a browser tab can hold; it was not loaded.`);
  }
  try {
    if (looksLikeZip(bytes)) return readTorchZip(bytes);
    if (looksLikeLegacyTorch(bytes)) throw new CheckpointError(LEGACY_MESSAGE);
    if (looksLikeSafetensors(bytes)) return readSafetensors(bytes);
    if (bytes.length > 0 && bytes[0] === 0x80) {
      throw new CheckpointError(`${what} is a bare pickle, not a PyTorch zip checkpoint. Re-save it with a current PyTorch: torch.save(model.state_dict(), "model.pth").`);
    }
    throw new CheckpointError(
      `${what} is not a checkpoint ConvLens can read: it is neither safetensors nor a PyTorch zip checkpoint (torch.save since PyTorch 1.6). ` +
        (bytes.length === 0 ? 'The file is empty.' : 'It may be truncated or corrupted.'),
    );
  } catch (e) {
    if (e instanceof CheckpointError) throw e;
    // RangeError from a DataView past the end and the like: a damaged file, said plainly.
    throw new CheckpointError(`${what} is truncated or corrupted (${e instanceof Error ? e.message : String(e)}).`);
  }
}
