/**
 * The one message protocol between the page and the inference worker.
 * Both sides import these types; every reply carries the id of the request it answers,
 * so overlapping requests can never be confused.
 */
import type { InputChoice } from '../model/deriveManifest';
import type { Manifest } from '../model/manifest';
import type { ImageFormat } from '../image/sniff';
import type { ClassHead } from '../model/classHead';
import type { ExplainPlan } from '../explain/explainPlan';
import type { LayerWeightsResult } from '../model/layerWeights';
import type { TopKState } from '../examples/topK';

export type BackendChoice = 'auto' | 'wasm' | 'webgpu';
export type BackendName = 'wasm' | 'webgpu';

export interface BackendInfo {
  /** What really runs the session now (onnxruntime has no API for this: we track it ourselves). */
  name: BackendName;
  /** WASM threads in use (1 when not cross-origin isolated). */
  threads: number;
  crossOriginIsolated: boolean;
  /** Why we are not on the backend asked for, if we are not (e.g. WebGPU failed). */
  fallbackReason: string | null;
  /** GPU adapter description when on WebGPU. */
  adapter: string | null;
}

/** One graph output as it left onnxruntime (dims include the batch dimension). */
export interface TapOutput {
  name: string;
  dims: number[];
  /** Posted as soon as session.run returns: summaries (src/render/layerData.ts) are made on demand, per tap shown. */
  data: Float32Array;
}

/**
 * Which result a run fills: the main photo, or the second photo of a comparison.
 * A newer run supersedes only waiting runs of the same slot.
 */
export type RunSlot = 'main' | 'compare';

export interface RgbaImage {
  width: number;
  height: number;
  data: Uint8ClampedArray;
}

/** What decoding found out about a photo, for the notes the page shows under it. */
export interface DecodeInfo {
  format: ImageFormat;
  /** Size the browser decoded it at: smaller than the source when pre-shrunk (src/image/preShrink.ts). */
  width: number;
  height: number;
  /** Some pixels were not opaque: they were composited over white (rgbaToRgb in src/image/resize.ts). */
  transparent: boolean;
  /** Frames in an animated GIF/WebP/PNG (only the first is used); null when not known. */
  frames: number | null;
}

export interface RunResult {
  taps: TapOutput[];
  /** The exact cropSize x cropSize pixels the model saw, RGBA. */
  crop: RgbaImage;
  /** The photo's size after EXIF rotation. */
  source: { width: number; height: number };
  decoded: DecodeInfo;
  decodeMs: number;
  preprocessMs: number;
  inferenceMs: number;
  backend: BackendInfo;
  /** Camera frames only: the whole frame as the model saw it before resizing (mirrored when asked), for *Download frame*. */
  frame?: RgbaImage;
}

/**
 * 'read': reading dropped files; 'analyse': finding the layers of a foreign graph; 'build': a checkpoint's
 * weights read (loaded 0) and its ConvNeXt graph built (loaded 1); 'occlusion': patches done of all.
 */
export type ProgressStage = 'download' | 'read' | 'analyse' | 'build' | 'compile' | 'decode' | 'inference' | 'occlusion';

/**
 * A checkpoint (.safetensors, .pth, .pt, .bin) to build into a ConvNeXt graph in the worker
 * (src/checkpoint/buildFromCheckpoint.ts), with the small files the page read beside it.
 */
export interface CheckpointBuild {
  /** config.json (transformers or timm). */
  config?: unknown;
  /** transformers' preprocessor_config.json. */
  preprocessorConfig?: unknown;
  /** A labels file chosen with the checkpoint. */
  labels?: string[];
  /** Set by the worker only (*Apply input settings*): the square input size to rebuild the graph for. */
  inputSize?: number;
}

/**
 * What "How this value is computed" needs for one layer (src/worker/explainRun.ts): the plan of
 * the op behind the tap, the graph values just before it and the tap itself from one run of the
 * photo (batch dimension included), and the op's constants (float16 widened).
 */
export interface ExplainInputs {
  tap: string;
  /** The tap's graph value (a key of `tensors`). */
  value: string;
  plan: ExplainPlan;
  tensors: Record<string, { dims: number[]; data: Float32Array }>;
  constants: Record<string, { dims: number[]; data: Float32Array }>;
  head: ClassHead | null;
}

/** The occlusion map of one class (src/worker/occlusion.ts): row-major rows × cols. */
export interface OcclusionResult {
  map: Float32Array;
  rows: number;
  cols: number;
  patch: number;
  stride: number;
  classIndex: number;
  /** The class's logit for the photo without any patch. */
  baseLogit: number;
  /** Occluded inputs per session.run (1 where the batch dimension is fixed). */
  batchSize: number;
  /** session.run calls, the unoccluded one included. */
  runs: number;
  ms: number;
}

/**
 * Where a model comes from. Dropped files travel as File objects (structured clone
 * shares the underlying blob, nothing is copied), so the worker can check their size
 * before reading them.
 */
export type ModelSource =
  | { kind: 'url'; url: string; /** keep it in Cache Storage so a reload does not download again */ cache: boolean }
  | { kind: 'files'; model: File; /** external data files, matched by name to the model's `location`s */ externalData: File[] };

/**
 * The worker's name (the Worker constructor's `name`, read as `self.name` before any message).
 * A page opened with `?debug` starts it under DEBUG_WORKER_NAME: only such a worker answers
 * debug actions and counts WebAssembly memory, so production runs without test hooks.
 */
export const WORKER_NAME = 'convlens-inference';
export const DEBUG_WORKER_NAME = 'convlens-inference-debug';

export function isDebugWorkerName(name: string): boolean {
  return name === DEBUG_WORKER_NAME;
}

/** Fault injection and counters for tests and the `?debug` hook; never used by the app itself. */
/**
 * 'hold-runs' makes the worker take the next photo or frame off its queue and then wait, before
 * running it, until 'release-runs': so a test can pile requests up behind it and check exactly
 * which ones the queue supersedes, whatever the machine's speed.
 */
export type DebugAction = 'stats' | 'crash' | 'lose-gpu' | 'hold-runs' | 'release-runs';

export interface WorkerStats {
  /** Photos and frames that reached session.run (superseded ones never do); a batch of N counts N. */
  runsExecuted: number;
  runsSuperseded: number;
  /** Bytes of the WebAssembly memories onnxruntime created (they only ever grow). */
  wasmMemoryBytes: number;
  backend: BackendName | null;
  /** Camera frames received and not yet closed (each is closed as soon as its pixels are read). */
  framesOpen: number;
  framesReceived: number;
  /** Camera frames whose pixels came straight from a VideoFrame (copyTo), not through a canvas. */
  framesDirect: number;
}

/**
 * A camera frame as the page grabs it: a VideoFrame where the browser has WebCodecs (its
 * pixels are converted straight into the worker's buffer), else an ImageBitmap.
 */
export type CameraFrame = ImageBitmap | VideoFrame;

/** A photo of the Examples view: its file, or (isCrop) the crop kept from an earlier batch, a PNG. */
export interface ExamplePhotoInput {
  photo: number;
  image: Blob;
  isCrop: boolean;
}

/** One photo's outcome: its crop (first time only), its per-channel means, or why it was skipped. */
export interface ExamplePhotoOutput {
  photo: number;
  crop: Blob | null;
  means: Float32Array | null;
  skipped: string | null;
}

export interface ExamplesBatchResult {
  /** The examples so far (src/examples/topK.ts); null while no photo of any batch could be read. */
  state: TopKState | null;
  photos: ExamplePhotoOutput[];
  /** Where the batch's time went, for the bench's split. */
  ms: { decode: number; preprocess: number; run: number; bookkeeping: number };
  /** Photos whose examples came from the model's own statistics (src/model/exampleStats.ts), not whole maps. */
  fromStats: number;
}

export type WorkerRequest =
  /** The stored weight behind a tap's graph value (src/model/layerWeights.ts), for the Filters view; answered at once, not queued. */
  | { type: 'layer-weights'; id: number; value: string }
  /** manifest null: a foreign ONNX file; the worker derives the manifest from its graph. */
  | { type: 'load-model'; id: number; source: ModelSource; manifest: Manifest | null; backend: BackendChoice; input: InputChoice | null; checkpoint?: CheckpointBuild }
  /** The loaded model's ONNX bytes (a checkpoint's built graph, for *Download model (.onnx)*); answered at once. */
  | { type: 'model-bytes'; id: number }
  /** Foreign models: a new input size or normalisation; answered with 'model-loaded'. */
  | { type: 'configure-input'; id: number; input: InputChoice }
  | { type: 'run'; id: number; image: Blob; slot: RunSlot }
  /**
   * A camera frame, transferred (the worker closes it); a newer frame or photo of its slot
   * replaces it while it waits. `taps`: the taps to bring back (src/camera/frameTaps.ts), null for all.
   */
  | { type: 'run-frame'; id: number; frame: CameraFrame; mirror: boolean; slot: RunSlot; taps: readonly string[] | null }
  | { type: 'debug'; id: number; action: DebugAction }
  /** The exact class evidence head of the loaded model (src/model/classHead.ts). */
  | { type: 'class-head'; id: number }
  /** The inputs of one layer's explanation (src/worker/explainRun.ts) for `image`, the photo of the last run. */
  | { type: 'explain-inputs'; id: number; image: Blob; tap: string }
  /** Occlusion map of `image` (the photo of the last run) for one class. */
  | { type: 'occlude'; id: number; image: Blob; classIndex: number; patch: number; stride: number }
  /** Stops the occlusion request `target` between two batches; answered by that request's 'cancelled' error. */
  | { type: 'cancel'; id: number; target: number }
  /** Stops the model download in progress, if any (answered by that load's 'error' with code 'cancelled'). */
  | { type: 'cancel-download'; id: number }
  /** Examples view: a few photos through the model, their examples added to `state` (transferred both ways). */
  | { type: 'examples-batch'; id: number; photos: ExamplePhotoInput[]; state: TopKState | null; modelKey: string }
  /** Examples view's dialog: one channel's map of `tap` for each of a few kept crops. */
  | { type: 'examples-maps'; id: number; crops: Blob[]; tap: string; channel: number };

export type ErrorCode =
  | 'model-download'
  | 'model-invalid'
  | 'not-onnx'
  | 'not-image-model'
  | 'unsupported-op'
  | 'too-large'
  | 'session'
  | 'no-model'
  | 'decode'
  | 'inference'
  | 'superseded'
  | 'cancelled'
  | 'worker-crashed'
  | 'internal';

export type WorkerResponse =
  /** The weight's data is transferred, never copied. */
  | { type: 'layer-weights'; id: number; result: LayerWeightsResult }
  /** A copy of the session's model bytes, transferred. */
  | { type: 'model-bytes'; id: number; bytes: Uint8Array }
  | { type: 'progress'; id: number; stage: ProgressStage; loaded: number; total: number | null }
  /** manifest: the one given, or the one derived from a foreign graph. */
  | { type: 'model-loaded'; id: number; backend: BackendInfo; compileMs: number; manifest: Manifest; fromCache: boolean }
  | { type: 'run-result'; id: number; result: RunResult }
  | { type: 'debug-reply'; id: number; stats: WorkerStats }
  /** head null: the model's head does not split exactly; `reason` says why. */
  | { type: 'class-head'; id: number; head: ClassHead | null; reason: string | null }
  | { type: 'occlusion-result'; id: number; result: OcclusionResult }
  /** Tensors and constants transferred, never copied. */
  | { type: 'explain-inputs'; id: number; inputs: ExplainInputs }
  | { type: 'examples-result'; id: number; result: ExamplesBatchResult }
  | { type: 'examples-maps'; id: number; maps: Float32Array[]; height: number; width: number }
  | { type: 'error'; id: number; code: ErrorCode; message: string };

/** Buffers that must travel in the transfer list of a run result (never copied). */
export function transferablesOf(result: RunResult): ArrayBuffer[] {
  const buffers: ArrayBuffer[] = [];
  for (const t of result.taps) {
    buffers.push(t.data.buffer as ArrayBuffer);
  }
  buffers.push(result.crop.data.buffer as ArrayBuffer);
  if (result.frame) buffers.push(result.frame.data.buffer as ArrayBuffer);
  return uniqueBuffers(buffers);
}

function uniqueBuffers(buffers: ArrayBuffer[]): ArrayBuffer[] {
  // onnxruntime may hand back views that share one buffer; a transfer list must not repeat one.
  return [...new Set(buffers)];
}

export function assertNever(value: never, what: string): never {
  throw new Error(`Unknown ${what}: ${JSON.stringify(value)}`);
}
