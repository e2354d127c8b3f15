/**
 * NumPy .npy (format 1.0) writer so users can take raw activations into
 * Python with a plain `np.load`. Only float32 is supported because that is
 * all onnxruntime hands us and all the app ever exports.
 */

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // "\x93NUMPY"
/** NumPy pads headers so the data starts on a 64-byte boundary (enables memory mapping). */
const ARRAY_ALIGN = 64;
const PREAMBLE_V1 = MAGIC.length + 2 + 2;

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

function shapeTuple(shape: readonly number[]): string {
  if (shape.length === 1) return `(${shape[0]},)`;
  return `(${shape.join(', ')})`;
}

/** The header dict formatted the way `numpy.lib.format` writes it, byte for byte. */
function headerDict(shape: readonly number[]): string {
  return `{'descr': '<f4', 'fortran_order': False, 'shape': ${shapeTuple(shape)}, }`;
}

export function encodeNpy(data: Float32Array, shape: number[]): Uint8Array {
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) throw new Error(`Invalid npy shape [${shape.join(', ')}]`);
  }
  const size = shape.reduce((a, b) => a * b, 1);
  if (size !== data.length) {
    throw new Error(`Shape [${shape.join(', ')}] needs ${size} values, data has ${data.length}`);
  }
  const dict = headerDict(shape);
  // Same padding rule as numpy: always at least one space, then '\n'.
  const pad = ARRAY_ALIGN - ((PREAMBLE_V1 + dict.length + 1) % ARRAY_ALIGN);
  const header = dict + ' '.repeat(pad) + '\n';
  if (header.length > 0xffff) throw new Error('npy header too long for format 1.0');

  const out = new Uint8Array(PREAMBLE_V1 + header.length + data.length * 4);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  out[8] = header.length & 0xff;
  out[9] = header.length >> 8;
  for (let i = 0; i < header.length; i++) out[PREAMBLE_V1 + i] = header.charCodeAt(i);

  const dataStart = PREAMBLE_V1 + header.length;
  if (LITTLE_ENDIAN) {
    out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), dataStart);
  } else {
    const view = new DataView(out.buffer, dataStart);
    for (let i = 0; i < data.length; i++) view.setFloat32(i * 4, data[i]!, true);
  }
  return out;
}

export interface DecodedNpy {
  shape: number[];
  data: Float32Array;
}

/** Reader for what `encodeNpy` (or numpy itself) writes for little-endian float32 C-order arrays. */
export function decodeNpy(bytes: Uint8Array): DecodedNpy {
  if (bytes.length < PREAMBLE_V1 || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw new Error('Not an .npy file: missing "\\x93NUMPY" magic');
  }
  const major = bytes[6]!;
  let headerLen: number;
  let headerStart: number;
  if (major === 1) {
    headerLen = bytes[8]! | (bytes[9]! << 8);
    headerStart = 10;
  } else if (major === 2 || major === 3) {
    headerLen = (bytes[8]! | (bytes[9]! << 8) | (bytes[10]! << 16)) + bytes[11]! * 0x1000000;
    headerStart = 12;
  } else {
    throw new Error(`Unsupported .npy format version ${major}.${bytes[7]}`);
  }
  if (headerStart + headerLen > bytes.length) throw new Error('Truncated .npy header');
  let header = '';
  for (let i = 0; i < headerLen; i++) header += String.fromCharCode(bytes[headerStart + i]!);

  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1];
  if (descr !== '<f4') {
    throw new Error(`Unsupported .npy dtype ${descr === undefined ? '(missing)' : `'${descr}'`}: only '<f4' (little-endian float32) is supported`);
  }
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  if (fortran === undefined) throw new Error('Malformed .npy header: missing fortran_order');
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (shapeText === undefined) throw new Error('Malformed .npy header: missing shape');
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map((s) => {
      const n = Number(s.replace(/L$/, ''));
      if (!Number.isInteger(n) || n < 0) throw new Error(`Malformed .npy shape (${shapeText})`);
      return n;
    });
  if (fortran === 'True' && shape.filter((d) => d > 1).length > 1) {
    throw new Error('Fortran-ordered .npy arrays are not supported');
  }
  const size = shape.reduce((a, b) => a * b, 1);
  const dataStart = headerStart + headerLen;
  if (dataStart + size * 4 > bytes.length) {
    throw new Error(`Truncated .npy data: expected ${size * 4} bytes, found ${bytes.length - dataStart}`);
  }
  const data = new Float32Array(size);
  if (LITTLE_ENDIAN) {
    // Copy, because the payload offset is not guaranteed to be 4-byte aligned in `bytes`.
    new Uint8Array(data.buffer).set(bytes.subarray(dataStart, dataStart + size * 4));
  } else {
    const view = new DataView(bytes.buffer, bytes.byteOffset + dataStart, size * 4);
    for (let i = 0; i < size; i++) data[i] = view.getFloat32(i * 4, true);
  }
  return { shape, data };
}
