/// <reference lib="webworker" />
/**
 * The inference worker: downloads the model, creates the onnxruntime-web session
 * (WebGPU when it really works, WASM otherwise), decodes and preprocesses photos
 * and runs them, fetching every tap in one run. The page never blocks on any of it.
 */
import { wasmMemoryBytes } from './wasmMemory';
import type * as OrtModule from 'onnxruntime-web';
import type { Manifest } from '../model/manifest';
import { readCachedModel, storeCachedModel } from '../app/modelCache';
import { deriveManifest, findImageInput, inputSpecFor, ModelInputError, type ImageInput, type InputChoice } from '../model/deriveManifest';
import { findTapCandidates, type TapCandidate } from '../model/graphTaps';
import { MAX_MODEL_BYTES, tooLargeMessage } from '../model/limits';
import { addGraphOutputs, OnnxFormatError, readOnnx, type OnnxSummary } from '../model/onnxProto';
import { findClassHead } from '../model/classHead';
import { readInitializers } from '../model/onnxInitializers';
import { runOcclusion } from './occlusion';
import { preprocess } from '../image/preprocess';
import { cropToRgba } from '../image/normaliseInput';
import { sessionOptions, wasmThreadCount } from './sessionOptions';
import { readBackAll } from './gpuReadback';
import { float16DataToFloat32, gpuDataToFloat32, gpuReadbackBytes } from './float16';
import { graphReceptiveFields } from '../model/receptiveField';
import { preShrinkSize } from '../image/preShrink';
import { mirrorRgbaInPlace } from '../image/mirror';
import { enqueueLatest } from './latestWins';
import { SNIFF_BYTES, TRUNCATED_JPEG_MESSAGE, jpegIsTruncated, sniffFormat, undecodableMessage, type ImageFormat } from '../image/sniff';
import {
  assertNever,
  transferablesOf,
  type BackendChoice,
  type BackendInfo,
  type BackendName,
  type DebugAction,
  type DecodeInfo,
  type ErrorCode,
  type ModelSource,
  type RunResult,
  type RunSlot,
  type TapOutput,
  type WorkerRequest,
  type WorkerResponse,
} from './protocol';

type Ort = typeof OrtModule;
type Session = OrtModule.InferenceSession;

declare const self: DedicatedWorkerGlobalScope;

class WorkerError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** What the worker keeps about a foreign graph to re-derive its manifest (e.g. for a new input size). */
interface ForeignGraph {
  summary: OnnxSummary;
  image: ImageInput;
  candidates: TapCandidate[];
  fileName: string;
  fileBytes: number;
  sha256: string;
  fields: ReturnType<typeof graphReceptiveFields>;
}

interface ExternalData {
  path: string;
  data: Uint8Array;
}

interface LoadedModel {
  manifest: Manifest;
  bytes: Uint8Array;
  externalData: ExternalData[];
  foreign: ForeignGraph | null;
  session: Session;
  ort: Ort;
  backend: BackendInfo;
}

let model: LoadedModel | null = null;
const queue: WorkerRequest[] = [];
let busy = false;
/** Set when the GPU device behind the WebGPU session is lost: the next run moves to WASM. */
let gpuLost: string | null = null;
const counters = { runsExecuted: 0, runsSuperseded: 0, framesReceived: 0, framesClosed: 0 };

function post(message: WorkerResponse, transfer: Transferable[] = []): void {
  self.postMessage(message, transfer);
}

function wasmThreads(): number {
  return wasmThreadCount(self.crossOriginIsolated, navigator.hardwareConcurrency);
}

// Two separate builds: the WASM-only one is half the download of the WebGPU one.
async function importOrt(kind: BackendName): Promise<Ort> {
  const ort: Ort = kind === 'webgpu' ? await import('onnxruntime-web/webgpu') : await import('onnxruntime-web/wasm');
  ort.env.wasm.numThreads = wasmThreads();
  ort.env.logLevel = 'error';
  return ort;
}

async function gpuAdapter(): Promise<{ adapter: GPUAdapter | null; reason: string | null }> {
  if (!('gpu' in navigator) || !navigator.gpu) return { adapter: null, reason: 'this browser has no WebGPU' };
  try {
    const adapter = await navigator.gpu.requestAdapter();
    return adapter ? { adapter, reason: null } : { adapter: null, reason: 'no WebGPU adapter is available' };
  } catch (e) {
    return { adapter: null, reason: `WebGPU adapter request failed: ${errorText(e)}` };
  }
}

function adapterLabel(adapter: GPUAdapter): string {
  const info = adapter.info;
  return [info.vendor, info.architecture, info.description].filter((s) => s).join(' ') || 'unknown GPU';
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** The download in progress: 'cancel-download' aborts it. */
let downloadAbort: AbortController | null = null;

function cancelDownload(): void {
  downloadAbort?.abort();
}

function mb(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

async function download(id: number, url: string): Promise<Uint8Array> {
  const abort = new AbortController();
  downloadAbort = abort;
  try {
    return await downloadWith(id, url, abort.signal);
  } catch (e) {
    if (abort.signal.aborted) throw new WorkerError('cancelled', 'Download cancelled.');
    throw e;
  } finally {
    if (downloadAbort === abort) downloadAbort = null;
  }
}

async function downloadWith(id: number, url: string, signal: AbortSignal): Promise<Uint8Array> {
  let response: Response;
  try {
    response = await fetch(url, { signal });
  } catch (e) {
    throw new WorkerError('model-download', `Could not download the model from ${url}: ${errorText(e)}`);
  }
  if (!response.ok) throw new WorkerError('model-download', `Could not download the model: ${url} answered ${response.status} ${response.statusText}`);
  const header = response.headers.get('content-length');
  const total = header && !response.headers.get('content-encoding') ? Number(header) : null;
  const tooLarge = total === null ? null : tooLargeMessage(total, `The model at ${url}`);
  if (tooLarge) {
    await response.body?.cancel();
    throw new WorkerError('too-large', tooLarge);
  }
  if (!response.body) return new Uint8Array(await response.arrayBuffer());
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  let lastPost = 0;
  const lost = (why: string) =>
    new WorkerError('model-download', `The connection was lost after ${mb(loaded)}${total ? ` of ${mb(total)}` : ''} of ${url} (${why}). Nothing was kept; try again.`);
  for (;;) {
    let part: ReadableStreamReadResult<Uint8Array>;
    try {
      part = await reader.read();
    } catch (e) {
      throw lost(errorText(e));
    }
    const { done, value } = part;
    if (done) break;
    chunks.push(value);
    loaded += value.byteLength;
    if (loaded > MAX_MODEL_BYTES) {
      await reader.cancel();
      throw new WorkerError('too-large', tooLargeMessage(loaded, `The model at ${url}`)!);
    }
    const now = performance.now();
    if (now - lastPost > 50) {
      post({ type: 'progress', id, stage: 'download', loaded, total });
      lastPost = now;
    }
  }
  if (total !== null && loaded !== total) throw lost(`the server announced ${total} bytes`);
  post({ type: 'progress', id, stage: 'download', loaded, total: total ?? loaded });
  const bytes = new Uint8Array(loaded);
  let offset = 0;
  for (const c of chunks) {
    bytes.set(c, offset);
    offset += c.byteLength;
  }
  return bytes;
}

async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

async function createSession(ort: Ort, bytes: Uint8Array, backend: BackendName, externalData: ExternalData[] = []): Promise<Session> {
  return ort.InferenceSession.create(bytes, {
    ...sessionOptions(backend),
    ...(externalData.length > 0 ? { externalData } : {}),
  });
}

const UNSUPPORTED_OP = /Could not find an implementation|is not a registered function\/op|not supported|unsupported|No opset import for domain|opset .* is under development/i;

function sessionError(e: unknown, backend: BackendName): WorkerError {
  const text = errorText(e);
  if (UNSUPPORTED_OP.test(text)) {
    return new WorkerError('unsupported-op', `This model uses an operator that onnxruntime-web cannot run on ${backend.toUpperCase()}: ${text}`);
  }
  if (/external data|\.data\b|file.*not found/i.test(text)) {
    return new WorkerError('session', `onnxruntime could not open this model: ${text}. If its weights are in a separate data file, drop the .onnx file and its data file together.`);
  }
  return new WorkerError('session', `onnxruntime could not open this model: ${text}`);
}

/** The model's bytes (and external data files) from a URL, the cache, or dropped files. */
async function readSource(id: number, source: ModelSource): Promise<{ bytes: Uint8Array; externalData: ExternalData[]; fileName: string; fromCache: boolean }> {
  if (source.kind === 'url') {
    const fileName = decodeURIComponent(new URL(source.url).pathname.split('/').pop() || 'model.onnx');
    if (source.cache) {
      const cached = await readCachedModel(source.url).catch(() => null);
      if (cached) {
        post({ type: 'progress', id, stage: 'download', loaded: cached.byteLength, total: cached.byteLength });
        return { bytes: cached, externalData: [], fileName, fromCache: true };
      }
    }
    const bytes = await download(id, source.url);
    if (source.cache) await storeCachedModel(source.url, bytes);
    return { bytes, externalData: [], fileName, fromCache: false };
  }
  const files = [source.model, ...source.externalData];
  const total = files.reduce((sum, f) => sum + f.size, 0);
  // Checked from the sizes alone, before a byte is read.
  const tooLarge = tooLargeMessage(total, files.length > 1 ? `"${source.model.name}" with its data files` : `"${source.model.name}"`);
  if (tooLarge) throw new WorkerError('too-large', tooLarge);
  post({ type: 'progress', id, stage: 'read', loaded: 0, total });
  const bytes = new Uint8Array(await source.model.arrayBuffer());
  const externalData: ExternalData[] = [];
  let loaded = bytes.byteLength;
  for (const f of source.externalData) {
    post({ type: 'progress', id, stage: 'read', loaded, total });
    const data = new Uint8Array(await f.arrayBuffer());
    loaded += data.byteLength;
    externalData.push({ path: f.name, data });
  }
  post({ type: 'progress', id, stage: 'read', loaded: total, total });
  return { bytes, externalData, fileName: source.model.name, fromCache: false };
}

/** Reads a foreign graph: its image input and the layers to show; throws clear WorkerErrors. */
function analyseGraph(bytes: Uint8Array, fileName: string, sha256: string): ForeignGraph {
  let summary: OnnxSummary;
  try {
    summary = readOnnx(bytes);
  } catch (e) {
    if (e instanceof OnnxFormatError) throw new WorkerError('not-onnx', `"${fileName}": ${e.message}`);
    throw e;
  }
  let image: ImageInput;
  try {
    image = findImageInput(summary);
  } catch (e) {
    if (e instanceof ModelInputError) throw new WorkerError('not-image-model', `"${fileName}": ${e.message}`);
    throw e;
  }
  return { summary, image, candidates: findTapCandidates(summary, image), fileName, fileBytes: bytes.byteLength, sha256, fields: graphReceptiveFields(summary, image.name) };
}

/** Runs zeros through a foreign model once to learn every tap's real dims, then derives its manifest. */
async function probe(ort: Ort, session: Session, graph: ForeignGraph, choice: InputChoice | null): Promise<Manifest> {
  let input;
  try {
    input = inputSpecFor(graph.image, choice ?? {});
  } catch (e) {
    throw new WorkerError('not-image-model', errorText(e));
  }
  const zeros = new ort.Tensor('float32', new Float32Array(input.shape.reduce((a, b) => a * b, 1)), input.shape);
  let results: Record<string, OrtModule.Tensor>;
  try {
    results = await session.run({ [input.name]: zeros });
  } catch (e) {
    throw new WorkerError('inference', `A first run of "${graph.fileName}" at ${input.cropSize}×${input.cropSize} failed: ${errorText(e)}`);
  }
  const outputs = new Map<string, { dims: number[]; type: string }>();
  for (const [name, t] of Object.entries(results)) {
    outputs.set(name, { dims: [...t.dims], type: t.type });
    t.dispose();
  }
  zeros.dispose();
  try {
    return deriveManifest({ ...graph, fileName: graph.fileName, bytes: graph.fileBytes, input, outputs });
  } catch (e) {
    throw new WorkerError('not-image-model', `"${graph.fileName}": ${errorText(e)}`);
  }
}

/** onnxruntime creates the GPUDevice itself; a lost device (driver reset, tab in background on some GPUs) must not leave us on a dead session. */
async function watchGpuDevice(ort: Ort): Promise<void> {
  gpuLost = null;
  const device = await ort.env.webgpu.device;
  void device.lost.then((info) => {
    if (model?.backend.name === 'webgpu') gpuLost = info.message ? `${info.reason}: ${info.message}` : info.reason;
  });
}

function checkOutputs(session: Session, manifest: Manifest): void {
  const outputs = new Set(session.outputNames);
  const missing = manifest.taps.filter((t) => !outputs.has(t.name)).map((t) => t.name);
  if (missing.length > 0) {
    throw new WorkerError(
      'model-invalid',
      `The manifest does not match the model: ${missing.length} tap(s) are not outputs of model.onnx (${missing.slice(0, 3).join(', ')}${missing.length > 3 ? ', …' : ''}).`,
    );
  }
  if (!session.inputNames.includes(manifest.input.name)) {
    throw new WorkerError('model-invalid', `The manifest's input "${manifest.input.name}" is not an input of model.onnx (it has ${session.inputNames.join(', ')}).`);
  }
}

async function loadModel(id: number, source: ModelSource, given: Manifest | null, choice: BackendChoice, inputChoice: InputChoice | null): Promise<void> {
  const { bytes, externalData, fileName, fromCache } = await readSource(id, source);
  const digest = await sha256Hex(bytes);
  if (given && digest !== given.file.sha256) {
    throw new WorkerError('model-invalid', `model.onnx does not match its manifest: sha256 is ${digest.slice(0, 12)}…, the manifest says ${given.file.sha256.slice(0, 12)}…. The file may be truncated or from another export.`);
  }
  let foreign: ForeignGraph | null = null;
  let sessionBytes = bytes;
  if (!given) {
    post({ type: 'progress', id, stage: 'analyse', loaded: 0, total: null });
    foreign = analyseGraph(bytes, fileName, digest);
    sessionBytes = addGraphOutputs(bytes, foreign.candidates.map((c) => c.value));
  }
  post({ type: 'progress', id, stage: 'compile', loaded: 0, total: null });
  const started = performance.now();
  let fallbackReason: string | null = null;
  let adapterName: string | null = null;
  let session: Session | null = null;
  let ort: Ort | null = null;
  let name: BackendName = 'wasm';

  if (choice !== 'wasm') {
    const { adapter, reason } = await gpuAdapter();
    if (adapter) {
      try {
        ort = await importOrt('webgpu');
        session = await createSession(ort, sessionBytes, 'webgpu', externalData);
        await watchGpuDevice(ort);
        name = 'webgpu';
        adapterName = adapterLabel(adapter);
      } catch (e) {
        fallbackReason = `WebGPU session failed (${errorText(e)}), using WASM`;
      }
    } else if (choice === 'webgpu') {
      // Only worth a word when WebGPU was asked for; 'auto' on a browser without it is normal.
      fallbackReason = `${reason}, using WASM`;
    }
  }
  if (!session) {
    ort = await importOrt('wasm');
    try {
      session = await createSession(ort, sessionBytes, 'wasm', externalData);
    } catch (e) {
      throw sessionError(e, 'wasm');
    }
  }
  let manifest: Manifest;
  try {
    if (foreign) {
      post({ type: 'progress', id, stage: 'analyse', loaded: 1, total: null });
      manifest = await probe(ort!, session, foreign, inputChoice);
    } else {
      manifest = given!;
      checkOutputs(session, manifest);
    }
  } catch (e) {
    await session.release().catch(() => undefined); // the previous model stays loaded
    throw e;
  }
  const previous = model;
  model = {
    manifest,
    bytes: sessionBytes,
    externalData,
    foreign,
    session,
    ort: ort!,
    backend: {
      name,
      threads: name === 'wasm' ? wasmThreads() : 0,
      crossOriginIsolated: self.crossOriginIsolated,
      fallbackReason,
      adapter: adapterName,
    },
  };
  if (previous && previous.session !== session) await previous.session.release().catch(() => undefined);
  post({ type: 'model-loaded', id, backend: model.backend, compileMs: performance.now() - started, manifest, fromCache });
}

async function configureInput(id: number, choice: InputChoice): Promise<void> {
  const m = model;
  if (!m) throw new WorkerError('no-model', 'No model is loaded yet.');
  if (!m.foreign) throw new WorkerError('model-invalid', 'This model comes with its own manifest; its input is fixed.');
  post({ type: 'progress', id, stage: 'analyse', loaded: 0, total: null });
  const started = performance.now();
  const manifest = await probe(m.ort, m.session, m.foreign, choice);
  model = { ...m, manifest };
  post({ type: 'model-loaded', id, backend: m.backend, compileMs: performance.now() - started, manifest, fromCache: false });
}

interface Decoded {
  rgba: Uint8ClampedArray;
  width: number;
  height: number;
  /** Size after EXIF rotation, before any pre-shrinking. */
  source: { width: number; height: number };
  format: ImageFormat;
  frames: number | null;
}

// Raw decoded values, as PIL sees them: no colour management, no premultiplication.
const BITMAP_OPTIONS: ImageBitmapOptions = { imageOrientation: 'from-image', premultiplyAlpha: 'none', colorSpaceConversion: 'none' };

/** Frames of an animated image, from the browser's own decoder (WebCodecs); null where unknown. */
async function frameCount(image: Blob, format: ImageFormat): Promise<number | null> {
  if (typeof ImageDecoder === 'undefined' || (format !== 'gif' && format !== 'webp' && format !== 'png')) return null;
  let decoder: ImageDecoder | null = null;
  try {
    decoder = new ImageDecoder({ data: image.stream(), type: `image/${format}` });
    await decoder.completed;
    return decoder.tracks.selectedTrack?.frameCount ?? null;
  } catch {
    return null;
  } finally {
    decoder?.close();
  }
}

async function decode(image: Blob): Promise<Decoded> {
  const head = new Uint8Array(await image.slice(0, SNIFF_BYTES).arrayBuffer());
  const format = sniffFormat(head);
  // Chrome decodes a cut-off JPEG without complaint, greying out the missing part.
  if (format === 'jpeg' && jpegIsTruncated(new Uint8Array(await image.arrayBuffer()))) throw new WorkerError('decode', TRUNCATED_JPEG_MESSAGE);
  // Counting frames reads the file a second time: let it overlap with the decode.
  const frames = frameCount(image, format);
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(image, BITMAP_OPTIONS);
  } catch {
    throw new WorkerError('decode', undecodableMessage(format, head));
  }
  return { ...(await bitmapPixels(bitmap, (b) => b.close())), format, frames: await frames };
}

/**
 * A decoded photo's or a camera frame's pixels, the one way: pre-shrunk when huge, then
 * read back raw from a 2D canvas. Takes ownership of the bitmap: `release` is called on it
 * exactly once, as early as possible, whatever happens.
 */
async function bitmapPixels(original: ImageBitmap, release: (bitmap: ImageBitmap) => void): Promise<Omit<Decoded, 'format' | 'frames'>> {
  let released = false;
  const releaseOriginal = () => {
    if (released) return;
    released = true;
    release(original);
  };
  let bitmap = original;
  const source = { width: bitmap.width, height: bitmap.height };
  try {
    const shrunk = preShrinkSize(bitmap.width, bitmap.height);
    if (shrunk) {
      bitmap = await createImageBitmap(original, { ...BITMAP_OPTIONS, resizeWidth: shrunk.width, resizeHeight: shrunk.height, resizeQuality: 'high' });
      // The full-size bitmap is closed as soon as the smaller one exists.
      releaseOriginal();
    }
    const { width, height } = bitmap;
    const canvas = new OffscreenCanvas(width, height);
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    if (!ctx) throw new WorkerError('decode', 'No 2D canvas is available to read the image pixels.');
    ctx.drawImage(bitmap, 0, 0);
    const rgba = ctx.getImageData(0, 0, width, height).data;
    // Release the canvas backing store now rather than at the next GC.
    canvas.width = 0;
    canvas.height = 0;
    return { rgba, width, height, source };
  } finally {
    if (bitmap !== original) bitmap.close();
    releaseOriginal();
  }
}

function ownedCopy(data: Float32Array): Float32Array {
  // A transferred buffer must belong to this array alone and must not be WASM memory.
  const whole = data.byteOffset === 0 && data.byteLength === data.buffer.byteLength;
  const shared = typeof SharedArrayBuffer !== 'undefined' && data.buffer instanceof SharedArrayBuffer;
  return whole && !shared ? data : data.slice();
}

async function runSession(m: LoadedModel, tensor: Float32Array): Promise<TapOutput[]> {
  const { ort, session, manifest } = m;
  const input = new ort.Tensor('float32', tensor, manifest.input.shape);
  counters.runsExecuted++;
  let results: OrtModule.InferenceSession.OnnxValueMapType | null = null;
  try {
    results = await session.run({ [manifest.input.name]: input });
    const outputs = manifest.taps.map((tap) => {
      const out = results![tap.output ?? tap.name];
      if (!out) throw new WorkerError('inference', `The model returned no output "${tap.output ?? tap.name}".`);
      if (out.type !== 'float32' && out.type !== 'float16') throw new WorkerError('inference', `Output "${tap.name}" is ${out.type}, expected float32 or float16.`);
      return out;
    });
    // An output made by a node onnxruntime ran on its CPU fallback can arrive on the CPU.
    const onGpu = outputs.filter((out) => out.location === 'gpu-buffer');
    const fromGpu = onGpu.length > 0 ? await readBackAll(await ort.env.webgpu.device, onGpu.map((out) => ({ buffer: out.gpuBuffer as GPUBuffer, byteLength: gpuReadbackBytes(out.type, out.size) }))) : [];
    let next = 0;
    return manifest.taps.map((tap, i) => {
      const out = outputs[i]!;
      // fp16 models: float16 maps become float32 for display and .npy.
      const data = out.location === 'gpu-buffer' ? gpuDataToFloat32(out.type, fromGpu[next++]!, out.size) : out.type === 'float16' ? float16DataToFloat32(out.data) : ownedCopy(out.data as Float32Array);
      return { name: tap.name, dims: [...out.dims], data };
    });
  } finally {
    // Failed runs too: a tensor left undisposed keeps its (GPU) buffer for the whole lesson.
    for (const out of Object.values(results ?? {})) out.dispose();
    input.dispose();
  }
}

function saneOutputs(taps: TapOutput[]): boolean {
  // A broken GPU path has been seen to return all-zero logits without any error.
  const logits = taps[taps.length - 1];
  if (!logits) return false;
  let anyNonZero = false;
  for (const v of logits.data) {
    if (!Number.isFinite(v)) return false;
    if (v !== 0) anyNonZero = true;
  }
  return anyNonZero;
}

async function fallBackToWasm(m: LoadedModel, reason: string): Promise<LoadedModel> {
  const ort = await importOrt('wasm');
  const session = await createSession(ort, m.bytes, 'wasm', m.externalData);
  await m.session.release().catch(() => undefined);
  model = {
    ...m,
    ort,
    session,
    backend: { name: 'wasm', threads: wasmThreads(), crossOriginIsolated: self.crossOriginIsolated, fallbackReason: reason, adapter: null },
  };
  return model;
}

async function currentModel(): Promise<LoadedModel> {
  const m = model;
  if (!m) throw new WorkerError('no-model', 'No model is loaded yet.');
  if (m.backend.name === 'webgpu' && gpuLost) return fallBackToWasm(m, `The GPU device was lost (${gpuLost}), using WASM`);
  return m;
}

async function run(id: number, image: Blob): Promise<void> {
  const m = await currentModel();
  post({ type: 'progress', id, stage: 'decode', loaded: 0, total: null });
  const t0 = performance.now();
  const decoded = await decode(image);
  await runDecoded(id, m, decoded, t0, false);
}

function closeFrame(frame: ImageBitmap): void {
  frame.close();
  counters.framesClosed++;
}

/** A camera frame: its pixels take the photo's path from here on (same pre-shrink, resize, crop, normalise). */
async function runFrame(id: number, frame: ImageBitmap, mirror: boolean): Promise<void> {
  const t0 = performance.now();
  let m: LoadedModel;
  try {
    m = await currentModel();
  } catch (e) {
    closeFrame(frame);
    throw e;
  }
  // Closed as soon as its pixels are read, and on every failure.
  const decoded: Decoded = { ...(await bitmapPixels(frame, closeFrame)), format: 'unknown', frames: null };
  if (mirror) mirrorRgbaInPlace(decoded.rgba, decoded.width, decoded.height);
  await runDecoded(id, m, decoded, t0, true);
}

async function runDecoded(id: number, loaded: LoadedModel, decoded: Decoded, t0: number, keepFrame: boolean): Promise<void> {
  let m = loaded;
  const t1 = performance.now();
  const pre = preprocess(decoded.rgba, decoded.width, decoded.height, m.manifest.input);
  const t2 = performance.now();
  post({ type: 'progress', id, stage: 'inference', loaded: 0, total: null });
  let taps: TapOutput[];
  try {
    taps = await runSession(m, pre.tensor);
    if (m.backend.name === 'webgpu' && !saneOutputs(taps)) throw new Error('WebGPU returned invalid (zero or non-finite) logits');
  } catch (e) {
    if (m.backend.name !== 'webgpu') throw e instanceof WorkerError ? e : new WorkerError('inference', `Inference failed: ${errorText(e)}`);
    m = await fallBackToWasm(m, `WebGPU run failed (${errorText(e)}), using WASM`);
    taps = await runSession(m, pre.tensor);
  }
  const t3 = performance.now();
  const result: RunResult = {
    taps,
    crop: { width: pre.crop.width, height: pre.crop.height, data: cropToRgba(pre.crop) },
    source: decoded.source,
    decoded: decodeInfo(decoded, pre.transparent),
    decodeMs: t1 - t0,
    preprocessMs: t2 - t1,
    inferenceMs: t3 - t2,
    backend: m.backend,
    ...(keepFrame ? { frame: { width: decoded.width, height: decoded.height, data: decoded.rgba } } : {}),
  };
  post({ type: 'run-result', id, result }, transferablesOf(result));
}

/** The exact class evidence head (src/model/classHead.ts) of the loaded model, read from its graph. */
function classHead(id: number): void {
  const m = model;
  if (!m) throw new WorkerError('no-model', 'No model is loaded yet.');
  const found = findClassHead(readOnnx(m.bytes), logitsValue(m.manifest), (names) => readInitializers(m.bytes, names));
  post({ type: 'class-head', id, head: found.ok ? found.head : null, reason: found.ok ? null : found.reason });
}

function logitsValue(manifest: Manifest): string {
  const tap = manifest.taps.findLast((t) => t.kind === 'logits');
  if (!tap) throw new WorkerError('model-invalid', 'This model has no class scores to explain.');
  return tap.output ?? tap.name;
}

/** Occlusion request running now, and whether it was asked to stop. */
let occluding: { id: number; cancelled: boolean } | null = null;

function cancel(target: number): void {
  if (occluding && occluding.id === target) occluding.cancelled = true;
  const waiting = queue.findIndex((r) => r.type === 'occlude' && r.id === target);
  if (waiting >= 0) {
    queue.splice(waiting, 1);
    post({ type: 'error', id: target, code: 'cancelled', message: 'Occlusion was cancelled.' });
  }
}

async function occlude(id: number, image: Blob, classIndex: number, patch: number, stride: number): Promise<void> {
  const m = model;
  if (!m) throw new WorkerError('no-model', 'No model is loaded yet.');
  const job = { id, cancelled: false };
  occluding = job;
  try {
    const decoded = await decode(image);
    const pre = preprocess(decoded.rgba, decoded.width, decoded.height, m.manifest.input);
    const batch = readOnnx(m.bytes).inputs.find((i) => i.name === m.manifest.input.name)?.dims?.[0];
    const result = await runOcclusion({
      ort: m.ort,
      session: m.session,
      input: m.manifest.input,
      logitsName: logitsValue(m.manifest),
      dynamicBatch: typeof batch === 'string' || batch === null,
      tensor: pre.tensor,
      classIndex,
      patch,
      stride,
      isCancelled: () => job.cancelled,
      cancelled: () => new WorkerError('cancelled', 'Occlusion was cancelled.'),
      progress: (loaded, total) => post({ type: 'progress', id, stage: 'occlusion', loaded, total }),
    });
    post({ type: 'occlusion-result', id, result }, [result.map.buffer as ArrayBuffer]);
  } catch (e) {
    if (e instanceof WorkerError) throw e;
    throw new WorkerError('inference', `Occlusion failed: ${errorText(e)}`);
  } finally {
    if (occluding === job) occluding = null;
  }
}

function decodeInfo(d: Decoded, transparent: boolean): DecodeInfo {
  return { format: d.format, width: d.width, height: d.height, transparent, frames: d.frames };
}

function stats(id: number): void {
  post({
    type: 'debug-reply',
    id,
    stats: {
      runsExecuted: counters.runsExecuted,
      runsSuperseded: counters.runsSuperseded,
      wasmMemoryBytes: wasmMemoryBytes(),
      backend: model?.backend.name ?? null,
      framesOpen: counters.framesReceived - counters.framesClosed,
      framesReceived: counters.framesReceived,
    },
  });
}

/** Answered at once, not queued: a test must be able to break things while a run is busy. */
async function debug(id: number, action: DebugAction): Promise<void> {
  switch (action) {
    case 'stats':
      return stats(id);
    case 'crash':
      // An uncaught error outside any handler kills the worker as a real bug would.
      setTimeout(() => {
        throw new Error('Simulated worker crash (debug hook)');
      });
      return;
    case 'hold-runs':
      if (!runGate) {
        let release = () => undefined as void;
        const promise = new Promise<void>((resolve) => (release = resolve));
        runGate = { promise, release };
      }
      return stats(id);
    case 'release-runs':
      runGate?.release();
      runGate = null;
      return stats(id);
    case 'lose-gpu':
      if (model?.backend.name === 'webgpu') {
        const device = await model.ort.env.webgpu.device;
        device.destroy();
        await device.lost;
      }
      return stats(id);
    default:
      return assertNever(action, 'debug action');
  }
}

async function handle(request: WorkerRequest): Promise<void> {
  switch (request.type) {
    case 'load-model':
      return loadModel(request.id, request.source, request.manifest, request.backend, request.input);
    case 'configure-input':
      return configureInput(request.id, request.input);
    case 'run':
      return run(request.id, request.image);
    case 'run-frame':
      return runFrame(request.id, request.frame, request.mirror);
    case 'debug':
      return debug(request.id, request.action);
    case 'class-head':
      return classHead(request.id);
    case 'occlude':
      return occlude(request.id, request.image, request.classIndex, request.patch, request.stride);
    case 'cancel':
      return cancel(request.target);
    case 'cancel-download':
      return cancelDownload();
    default:
      return assertNever(request, 'worker request');
  }
}

/** Set by the debug action 'hold-runs' (tests only): the pump waits on it before a photo or frame. */
let runGate: { promise: Promise<void>; release: () => void } | null = null;

async function pump(): Promise<void> {
  if (busy) return;
  busy = true;
  try {
    for (let next = queue.shift(); next; next = queue.shift()) {
      try {
        if (runGate && (next.type === 'run' || next.type === 'run-frame')) await runGate.promise;
        await handle(next);
      } catch (e) {
        const code = e instanceof WorkerError ? e.code : 'internal';
        post({ type: 'error', id: next.id, code, message: errorText(e) });
      }
    }
  } finally {
    busy = false;
  }
}

/** Photos and frames of one slot share a lane: only the newest waiting one matters. */
function lane(request: WorkerRequest): RunSlot | null {
  return request.type === 'run' || request.type === 'run-frame' ? (request.slot ?? 'main') : null;
}

function enqueue(request: WorkerRequest): void {
  // A new photo or camera frame stops the occlusion of the old photo (between two of its batches), or before it starts.
  if ((request.type === 'run' || request.type === 'run-frame') && (request.slot ?? 'main') === 'main') {
    if (occluding) occluding.cancelled = true;
    for (const r of queue.filter((q) => q.type === 'occlude')) cancel(r.id);
  }
  if (request.type === 'run-frame') counters.framesReceived++;
  // Runs of the same slot still waiting are answered as superseded, not run; the other
  // slot's (the compared photo's) run is left alone (src/worker/latestWins.ts).
  for (const waiting of enqueueLatest(queue, request, lane)) {
    if (waiting.type === 'run-frame') closeFrame(waiting.frame);
    counters.runsSuperseded++;
    post({ type: 'error', id: waiting.id, code: 'superseded', message: waiting.type === 'run-frame' ? 'A newer frame replaced this one.' : 'A newer photo replaced this one.' });
  }
  void pump();
}

// onnxruntime's WASM threads start workers from this same script; they must not
// take our message handler.
if (!self.name.startsWith('em-pthread')) {
  self.addEventListener('message', (event: MessageEvent<unknown>) => {
    const request = event.data as { id?: unknown; type?: unknown } | null;
    if (typeof request !== 'object' || request === null || typeof request.id !== 'number') {
      throw new Error(`Malformed worker request: ${JSON.stringify(request)}`);
    }
    if (request.type === 'cancel') {
      cancel((request as { target: number }).target);
      return;
    }
    if (request.type === 'cancel-download') {
      cancelDownload(); // at once, not queued: the download it stops is what the queue waits on
      return;
    }
    if (request.type === 'debug') {
      void debug(request.id, (request as { action: DebugAction }).action).catch((e: unknown) =>
        post({ type: 'error', id: request.id as number, code: 'internal', message: errorText(e) }),
      );
      return;
    }
    if (request.type !== 'load-model' && request.type !== 'configure-input' && request.type !== 'run' && request.type !== 'run-frame' && request.type !== 'class-head' && request.type !== 'occlude') {
      post({ type: 'error', id: request.id, code: 'internal', message: `Unknown worker request type "${String(request.type)}"` });
      return;
    }
    enqueue(request as WorkerRequest);
  });
}
