/**
 * The safetensors format (huggingface/safetensors): an 8-byte little-endian header length N,
 * N bytes of JSON `{name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {...}}`,
 * then the data, offsets counted from its start. Nothing in it can execute, but every
 * number is checked against the file before it is used.
 */
import { ITEM_SIZE, elementCount, toFloat32 } from './tensorData';
import { CheckpointError, type WeightDType, type WeightMap } from './types';

/** safetensors' own reader refuses headers over 100 MB; a real one is a few KB. */
const MAX_HEADER_BYTES = 100_000_000;

const DTYPES: Record<string, WeightDType> = { F32: 'float32', F16: 'float16', BF16: 'bfloat16' };

/** True when `bytes` start like a safetensors file (a sane header length, then `{`). */
export function looksLikeSafetensors(bytes: Uint8Array): boolean {
  if (bytes.length < 9) return false;
  const n = headerLength(bytes);
  return n > 0 && n <= bytes.length - 8 && bytes[8] === 0x7b;
}

function headerLength(bytes: Uint8Array): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, 8);
  return view.getUint32(0, true) + view.getUint32(4, true) * 2 ** 32;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function readSafetensors(bytes: Uint8Array): WeightMap {
  if (bytes.length < 8) throw new CheckpointError('This .safetensors file is truncated: it is shorter than its 8-byte header length.');
  const n = headerLength(bytes);
  if (n > MAX_HEADER_BYTES || 8 + n > bytes.length) {
    throw new CheckpointError(`This .safetensors file is truncated or corrupted: its header claims ${n} bytes but the file has ${bytes.length - 8} after the length.`);
  }
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + n)));
  } catch {
    throw new CheckpointError('This .safetensors file is corrupted: its header is not valid JSON.');
  }
  if (!isRecord(header)) throw new CheckpointError('This .safetensors file is corrupted: its header is not a JSON object.');
  const data = bytes.subarray(8 + n);
  const weights: WeightMap = new Map();
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    weights.set(name, readEntry(name, entry, data));
  }
  if (weights.size === 0) throw new CheckpointError('This .safetensors file holds no tensors.');
  return weights;
}

function readEntry(name: string, entry: unknown, data: Uint8Array) {
  const bad = (why: string) => new CheckpointError(`This .safetensors file is corrupted: the tensor "${name}" ${why}.`);
  if (!isRecord(entry)) throw bad('has no description');
  const { dtype: stored, shape, data_offsets: offsets } = entry;
  if (typeof stored !== 'string') throw bad('has no dtype');
  const dtype = Object.hasOwn(DTYPES, stored) ? DTYPES[stored] : undefined;
  if (!dtype) {
    throw new CheckpointError(`The tensor "${name}" is stored as ${stored.slice(0, 16)}; ConvLens reads F32, F16 and BF16 weights only.`);
  }
  if (!Array.isArray(shape) || shape.length > 8 || !shape.every((d): d is number => typeof d === 'number')) throw bad('has no valid shape');
  const count = elementCount(shape, name);
  if (!Array.isArray(offsets) || offsets.length !== 2) throw bad('has no data_offsets');
  const [begin, end] = offsets as unknown[];
  if (typeof begin !== 'number' || typeof end !== 'number' || !Number.isSafeInteger(begin) || !Number.isSafeInteger(end) || begin < 0 || end < begin) {
    throw bad('has impossible data_offsets');
  }
  if (end > data.length) throw new CheckpointError(`This .safetensors file is truncated: the tensor "${name}" ends at byte ${end} of the data, which has only ${data.length}.`);
  if (end - begin !== count * ITEM_SIZE[dtype]) throw bad(`takes ${end - begin} bytes but shape [${shape.join(', ')}] of ${stored} needs ${count * ITEM_SIZE[dtype]}`);
  return { name, dtype, shape: [...shape], data: toFloat32(data.subarray(begin, end), dtype) };
}
