/**
 * PyTorch checkpoints as torch.save writes them since 1.6: a zip holding `<folder>/data.pkl`
 * (the pickled state dict; the folder is the file's stem, `archive` or anything else) and one
 * `<folder>/data/<key>` entry per storage. The pickle goes through the restricted unpickler;
 * tensors are then cut out of their storages honouring offsets and strides.
 */
import { PyDict, PyObject, unpickle, type PyValue } from './pickle';
import { ITEM_SIZE, elementCount, toFloat32 } from './tensorData';
import { resolveTorchGlobal, storageFromPersistentId, type TensorRef } from './torchGlobals';
import { CheckpointError, type WeightMap, type WeightTensor } from './types';
import { ZipArchive, type ZipEntry } from './zip';

/** pickle protocol 2 and the LONG1 magic number torch's legacy (pre-1.6) format starts with. */
const LEGACY_MAGIC = [0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19];

export function looksLikeLegacyTorch(bytes: Uint8Array): boolean {
  return bytes.length >= LEGACY_MAGIC.length && LEGACY_MAGIC.every((b, i) => bytes[i] === b);
}

export const LEGACY_MESSAGE =
  'This .pth was saved in PyTorch\'s old (pre-1.6, non-zip) format, which ConvLens does not read. ' +
  'Re-save it with a current PyTorch: torch.save(torch.load("old.pth", weights_only=True), "new.pth").';

function findPickle(zip: ZipArchive): { entry: ZipEntry; folder: string } {
  for (const entry of zip.entries.values()) {
    const m = /^([^/]+)\/data\.pkl$/.exec(entry.name);
    if (m) return { entry, folder: m[1]! };
  }
  throw new CheckpointError('This zip file is not a PyTorch checkpoint: it has no <folder>/data.pkl inside.');
}

export function readTorchZip(bytes: Uint8Array): WeightMap {
  const zip = new ZipArchive(bytes);
  const { entry, folder } = findPickle(zip);
  const root = unpickle(zip.read(entry, bytes.length), {
    resolveGlobal: resolveTorchGlobal,
    persistentLoad: storageFromPersistentId,
  });
  const state = unwrapStateDict(root);
  const storages = new Map<string, Uint8Array>();
  const storageBytes = (key: string): Uint8Array => {
    let data = storages.get(key);
    if (!data) {
      const e = zip.entries.get(`${folder}/data/${key}`);
      if (!e) throw new CheckpointError(`This PyTorch checkpoint is truncated or corrupted: the storage ${folder}/data/${key} is missing.`);
      data = zip.read(e, bytes.length);
      storages.set(key, data);
    }
    return data;
  };
  const weights: WeightMap = new Map();
  // Views may share a storage, so a tiny file could claim endless tensors over one storage: the
  // float32 results may not outgrow the file by more than widening (×2) and a tied weight or two allow.
  let budget = 4 * bytes.length + 1_000_000;
  for (const [name, value] of state.items) {
    if (typeof name !== 'string') continue;
    if (!(value instanceof PyObject) || value.kind !== 'tensor') continue; // e.g. a stray step count
    const tensor = materialize(name, value.value as TensorRef, storageBytes);
    budget -= tensor.data.byteLength;
    if (budget < 0) throw new CheckpointError(`This PyTorch checkpoint is corrupted: its tensors (up to "${name}") hold far more values than the file has bytes.`);
    weights.set(name, tensor);
  }
  if (weights.size === 0) throw new CheckpointError('This PyTorch checkpoint holds no tensors.');
  return weights;
}

/** A state dict, or the common `{"state_dict": …}` / `{"model": …}` wrappers training scripts save. */
function unwrapStateDict(root: PyValue): PyDict {
  if (!(root instanceof PyDict)) throw new CheckpointError('This PyTorch checkpoint does not hold a state dict (a dict of tensors).');
  for (const key of ['state_dict', 'model_state_dict', 'model', 'module']) {
    const inner = root.items.get(key);
    if (inner instanceof PyDict && [...inner.items.values()].some((v) => v instanceof PyObject && v.kind === 'tensor')) return inner;
  }
  return root;
}

function materialize(name: string, t: TensorRef, storageBytes: (key: string) => Uint8Array): WeightTensor {
  const { type } = t.storage;
  if (!type.dtype) {
    throw new CheckpointError(`The tensor "${name}" is stored as ${type.torchName}; ConvLens reads float32, float16 and bfloat16 weights only.`);
  }
  const dtype = type.dtype;
  const count = elementCount(t.shape, name);
  const item = ITEM_SIZE[dtype];
  const raw = storageBytes(t.storage.key);
  const storageCount = Math.floor(raw.length / item);
  // The last element a view reaches must lie inside the storage as stored.
  let last = t.offset;
  for (let d = 0; d < t.shape.length; d++) last += (t.shape[d]! - 1) * t.strides[d]!;
  if (count > 0 && (last >= storageCount || last >= t.storage.count || t.offset >= storageCount)) {
    throw new CheckpointError(`This PyTorch checkpoint is truncated or corrupted: the tensor "${name}" reaches past the end of its storage.`);
  }
  if (count > storageCount) {
    // Only a broadcast view (a zero stride) can, and a state dict never saves one; a forged file might, to make us allocate.
    throw new CheckpointError(`This PyTorch checkpoint is corrupted: the tensor "${name}" has more elements than its storage.`);
  }
  const shape = [...t.shape];
  if (count === 0) return { name, dtype, shape, data: new Float32Array(0) };
  if (isContiguous(t.shape, t.strides)) {
    return { name, dtype, shape, data: toFloat32(raw.subarray(t.offset * item, (t.offset + count) * item), dtype) };
  }
  // A view (transposed, sliced): gather its elements in row-major order, one copy.
  const gathered = new Uint8Array(count * item);
  const index = new Array<number>(t.shape.length).fill(0);
  let src = t.offset;
  for (let i = 0, out = 0; i < count; i++) {
    for (let b = 0, from = src * item; b < item; b++) gathered[out++] = raw[from + b]!;
    for (let d = t.shape.length - 1; d >= 0; d--) {
      index[d]!++;
      src += t.strides[d]!;
      if (index[d]! < t.shape[d]!) break;
      src -= t.shape[d]! * t.strides[d]!;
      index[d] = 0;
    }
  }
  return { name, dtype, shape, data: toFloat32(gathered, dtype) };
}

function isContiguous(shape: number[], strides: number[]): boolean {
  let expected = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    if (shape[d]! !== 1 && strides[d]! !== expected) return false;
    expected *= shape[d]!;
  }
  return true;
}
