/**
 * The only Python globals a PyTorch state dict may name, as torch's `weights_only` loader
 * allows them, and the sentences for everything else. A whole pickled model names its own
 * classes (torchvision.models.convnext.ConvNeXt, timm..., transformers...): that gets the fix.
 */
import { PyCallable, PyDict, PyObject, PyTuple, type PyValue } from './pickle';
import { CheckpointError, type WeightDType } from './types';

/** A storage type or dtype: what torch calls its element type, and ours when we read it. */
export interface ElementType { torchName: string; dtype: WeightDType | null; itemSize: number }

const STORAGES: Record<string, ElementType> = {
  FloatStorage: { torchName: 'float32', dtype: 'float32', itemSize: 4 },
  HalfStorage: { torchName: 'float16', dtype: 'float16', itemSize: 2 },
  BFloat16Storage: { torchName: 'bfloat16', dtype: 'bfloat16', itemSize: 2 },
  DoubleStorage: { torchName: 'float64', dtype: null, itemSize: 8 },
  LongStorage: { torchName: 'int64', dtype: null, itemSize: 8 },
  IntStorage: { torchName: 'int32', dtype: null, itemSize: 4 },
  ShortStorage: { torchName: 'int16', dtype: null, itemSize: 2 },
  CharStorage: { torchName: 'int8', dtype: null, itemSize: 1 },
  ByteStorage: { torchName: 'uint8', dtype: null, itemSize: 1 },
  BoolStorage: { torchName: 'bool', dtype: null, itemSize: 1 },
};

const DTYPES: Record<string, string> = {
  float32: 'FloatStorage', float: 'FloatStorage', float16: 'HalfStorage', half: 'HalfStorage', bfloat16: 'BFloat16Storage',
  float64: 'DoubleStorage', double: 'DoubleStorage', int64: 'LongStorage', long: 'LongStorage', int32: 'IntStorage',
  int: 'IntStorage', int16: 'ShortStorage', int8: 'CharStorage', uint8: 'ByteStorage', bool: 'BoolStorage',
};

/** What `_rebuild_tensor_v2` and friends produce: a view into a storage, not yet read. */
export interface TensorRef { storage: StorageRef; offset: number; shape: number[]; strides: number[] }
/** What BINPERSID produces: the zip entry `data/<key>` and its element type. */
export interface StorageRef { key: string; type: ElementType; count: number }

const WHOLE_MODEL_MODULES = /^(torchvision|timm|transformers|torch\.nn|__main__)(\.|$)/;

export function refusedGlobal(module: string, name: string): CheckpointError {
  const qualified = `${module}.${name}`.slice(0, 200);
  if (WHOLE_MODEL_MODULES.test(module)) {
    return new CheckpointError(
      `This file is a whole pickled model (it names the class ${qualified}), not a state dict, and ConvLens never runs a pickle's code; nothing was run. ` +
        'Save the weights alone with torch.save(model.state_dict(), "convnext.pth") and choose that file.',
    );
  }
  return new CheckpointError(`Refused: the checkpoint names the global ${qualified}, which a state dict never needs; nothing was run.`);
}

const bad = (what: string) => new CheckpointError(`This PyTorch checkpoint is corrupted: ${what}.`);

function ints(v: PyValue | undefined, what: string): number[] {
  if (!(v instanceof PyTuple) || v.items.length > 8) throw bad(`a tensor's ${what} is not a tuple`);
  return v.items.map((d) => {
    if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0) throw bad(`a tensor's ${what} holds ${String(d)}`);
    return d;
  });
}

function rebuildTensor(args: PyValue[], dtypeArg?: PyValue): PyObject {
  const [storage, offset, size, stride] = args;
  if (!(storage instanceof PyObject) || storage.kind !== 'storage') throw bad('a tensor has no storage');
  if (typeof offset !== 'number' || !Number.isSafeInteger(offset) || offset < 0) throw bad('a tensor has an impossible storage offset');
  let ref = storage.value as StorageRef;
  if (dtypeArg !== undefined) {
    // _rebuild_tensor_v3 passes the dtype beside an untyped (byte) storage.
    if (!(dtypeArg instanceof PyObject) || dtypeArg.kind !== 'dtype') throw bad('a tensor has no dtype');
    const type = dtypeArg.value as ElementType;
    ref = { ...ref, type, count: Math.floor((ref.count * ref.type.itemSize) / type.itemSize) };
  }
  const tensor: TensorRef = { storage: ref, offset, shape: ints(size, 'shape'), strides: ints(stride, 'strides') };
  if (tensor.shape.length !== tensor.strides.length) throw bad('a tensor has as many strides as dimensions');
  return new PyObject('tensor', tensor);
}

function fn(qualifiedName: string, call: (args: PyValue[]) => PyValue): PyCallable {
  return new PyCallable(qualifiedName, call);
}

/** The allow-list. Anything not here is refused by name at GLOBAL, before any call. */
export function resolveTorchGlobal(module: string, name: string): PyCallable | PyObject {
  const q = `${module}.${name}`;
  if (q === 'collections.OrderedDict' || q === 'builtins.dict') return fn(q, () => new PyDict());
  if (q === 'torch._utils._rebuild_tensor_v2') return fn(q, (args) => rebuildTensor(args));
  if (q === 'torch._utils._rebuild_tensor_v3') return fn(q, (args) => rebuildTensor(args, args[6]));
  if (q === 'torch._utils._rebuild_parameter' || q === 'torch._utils._rebuild_parameter_with_state') {
    return fn(q, ([data]) => {
      if (!(data instanceof PyObject) || data.kind !== 'tensor') throw bad('a parameter holds no tensor');
      return data;
    });
  }
  if (q === 'torch.Size') return fn(q, ([shape]) => (shape instanceof PyTuple ? shape : new PyTuple([])));
  if ((module === 'torch' || module === 'torch.storage') && Object.hasOwn(STORAGES, name)) return fn(q, () => new PyObject('storage-type', STORAGES[name]));
  if ((module === 'torch' || module === 'torch.storage') && (name === 'UntypedStorage' || name === '_UntypedStorage')) {
    return fn(q, () => new PyObject('storage-type', STORAGES.ByteStorage));
  }
  // torch.float32 and friends pickle as the global itself, not as a call.
  if (module === 'torch' && Object.hasOwn(DTYPES, name)) return new PyObject('dtype', STORAGES[DTYPES[name]!]);
  throw refusedGlobal(module, name);
}

/**
 * torch.save's persistent id: ('storage', StorageType, key, location, count). The storage type
 * arrives as the callable GLOBAL made; a dtype global (torch >= 2 writes storages that way too) works as well.
 */
export function storageFromPersistentId(pid: PyValue): PyObject {
  if (!(pid instanceof PyTuple) || pid.items.length !== 5 || pid.items[0] !== 'storage') throw bad('a storage reference is malformed');
  const [, type, key, , count] = pid.items;
  let elementType: ElementType | undefined;
  const made = type instanceof PyCallable ? type.call([]) : type;
  if (made instanceof PyObject && (made.kind === 'storage-type' || made.kind === 'dtype')) elementType = made.value as ElementType;
  if (!elementType) throw bad('a storage has no known element type');
  if (typeof key !== 'string' || !/^[\w.-]{1,64}$/.test(key)) throw bad('a storage key is malformed');
  if (typeof count !== 'number' || !Number.isSafeInteger(count) || count < 0) throw bad('a storage size is malformed');
  const storage: StorageRef = { key, type: elementType, count };
  return new PyObject('storage', storage);
}
