/**
 * The page's side of the worker protocol: one promise per request, matched by id,
 * with progress callbacks, a timeout, and a dead worker replaced rather than patched.
 */
import type { InputChoice } from '../model/deriveManifest';
import type { Manifest } from '../model/manifest';
import type { BackendChoice, BackendInfo, CameraFrame, CheckpointBuild, DebugAction, ErrorCode, ModelSource, OcclusionResult, ProgressStage, RunResult, RunSlot, WorkerRequest, WorkerResponse, WorkerStats } from './protocol';
import type { ClassHead } from '../model/classHead';
import type { LayerWeightsResult } from '../model/layerWeights';
import { assertNever, DEBUG_WORKER_NAME, WORKER_NAME } from './protocol';
import type { ExplainInputs } from './protocol';
import type { ExamplePhotoInput, ExamplesBatchResult } from './protocol';
import { topKBuffers, type TopKState } from '../examples/topK';

export class InferenceError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'InferenceError';
  }
}

export interface Progress {
  stage: ProgressStage;
  loaded: number;
  total: number | null;
}

interface Pending {
  resolve: (value: WorkerResponse) => void;
  reject: (error: InferenceError) => void;
  onProgress?: (p: Progress) => void;
  timer: ReturnType<typeof setTimeout> | null;
}

type WorkerRequestBody = WorkerRequest extends infer R ? (R extends WorkerRequest ? Omit<R, 'id'> : never) : never;

export interface LoadedReply {
  backend: BackendInfo;
  compileMs: number;
  manifest: Manifest;
  fromCache: boolean;
}

function loadedReply(reply: WorkerResponse): LoadedReply {
  if (reply.type !== 'model-loaded') throw new InferenceError('internal', `Unexpected reply ${reply.type}`);
  return { backend: reply.backend, compileMs: reply.compileMs, manifest: reply.manifest, fromCache: reply.fromCache };
}

/** `?debug` in the page's address: the page installs its hook (src/app/debugHook.ts) and the worker its own. */
export function debugRequested(search: string): boolean {
  return new URLSearchParams(search).has('debug');
}

/** A page with `?debug` gets a worker with its test hooks; any other page one without them. */
export function createInferenceWorker(debug = debugRequested(globalThis.location?.search ?? '')): Worker {
  return new Worker(new URL('./inference.worker.ts', import.meta.url), { type: 'module', name: debug ? DEBUG_WORKER_NAME : WORKER_NAME });
}

export class InferenceClient {
  private worker: Worker;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  /** Called after a crashed worker has been replaced; the owner reloads the model. */
  onRestart: ((reason: string) => void) | null = null;

  constructor(private readonly spawn: () => Worker = () => createInferenceWorker()) {
    this.worker = this.start();
  }

  private start(): Worker {
    const worker = this.spawn();
    worker.addEventListener('message', (e: MessageEvent<WorkerResponse>) => this.receive(e.data));
    worker.addEventListener('error', (e) => {
      e.preventDefault();
      this.crash(`The inference worker stopped: ${e.message || 'unknown error'}`);
    });
    worker.addEventListener('messageerror', () => this.crash('The inference worker sent a message that could not be read.'));
    return worker;
  }

  private crash(reason: string): void {
    this.worker.terminate();
    this.rejectAll('worker-crashed', reason);
    this.worker = this.start();
    this.onRestart?.(reason);
  }

  /** Kills the worker on purpose (tests use it to simulate a crash). */
  restart(reason = 'The inference worker was restarted.'): void {
    this.crash(reason);
  }

  private rejectAll(code: ErrorCode, message: string): void {
    for (const [id, p] of this.pending) {
      if (p.timer) clearTimeout(p.timer);
      p.reject(new InferenceError(code, message));
      this.pending.delete(id);
    }
  }

  private receive(message: WorkerResponse): void {
    const p = this.pending.get(message.id);
    if (!p) return; // answer to a request we already gave up on
    switch (message.type) {
      case 'progress':
        p.onProgress?.({ stage: message.stage, loaded: message.loaded, total: message.total });
        return;
      case 'error':
        this.settle(message.id);
        p.reject(new InferenceError(message.code, message.message));
        return;
      case 'model-loaded':
      case 'run-result':
      case 'debug-reply':
      case 'class-head':
      case 'explain-inputs':
      case 'occlusion-result':
      case 'layer-weights':
      case 'model-bytes':
      case 'examples-result':
      case 'examples-maps':
        this.settle(message.id);
        p.resolve(message);
        return;
      default:
        assertNever(message, 'worker response');
    }
  }

  private settle(id: number): void {
    const p = this.pending.get(id);
    if (p?.timer) clearTimeout(p.timer);
    this.pending.delete(id);
  }

  private request(body: WorkerRequestBody, onProgress?: (p: Progress) => void, timeoutMs?: number, transfer: Transferable[] = []): Promise<WorkerResponse> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = timeoutMs
        ? setTimeout(() => this.crash(`The inference worker did not answer within ${Math.round(timeoutMs / 1000)} s and was restarted.`), timeoutMs)
        : null;
      this.pending.set(id, { resolve, reject, onProgress, timer });
      this.worker.postMessage({ ...body, id } as WorkerRequest, transfer);
    });
  }

  async loadModel(
    modelUrl: string,
    manifest: Manifest,
    backend: BackendChoice,
    onProgress?: (p: Progress) => void,
  ): Promise<LoadedReply> {
    return this.loadFrom({ kind: 'url', url: modelUrl, cache: false }, manifest, backend, null, onProgress);
  }

  /** Loads a model from a URL or dropped files; manifest null derives one from the graph. */
  async loadFrom(
    source: ModelSource,
    manifest: Manifest | null,
    backend: BackendChoice,
    input: InputChoice | null,
    onProgress?: (p: Progress) => void,
    checkpoint?: CheckpointBuild,
  ): Promise<LoadedReply> {
    return loadedReply(await this.request({ type: 'load-model', source, manifest, backend, input, ...(checkpoint ? { checkpoint } : {}) }, onProgress));
  }

  /** The loaded model's ONNX bytes (for a checkpoint, the graph built from it). */
  async modelBytes(): Promise<Uint8Array> {
    const reply = await this.request({ type: 'model-bytes' }, undefined, 60_000);
    if (reply.type !== 'model-bytes') throw new InferenceError('internal', `Unexpected reply ${reply.type}`);
    return reply.bytes;
  }

  /** A foreign model's input size or normalisation; the reply has the re-derived manifest. */
  async configureInput(input: InputChoice, onProgress?: (p: Progress) => void): Promise<LoadedReply> {
    return loadedReply(await this.request({ type: 'configure-input', input }, onProgress));
  }

  async run(image: Blob, onProgress?: (p: Progress) => void, timeoutMs = 180_000, slot: RunSlot = 'main'): Promise<RunResult> {
    const reply = await this.request({ type: 'run', image, slot }, onProgress, timeoutMs);
    if (reply.type !== 'run-result') throw new InferenceError('internal', `Unexpected reply ${reply.type}`);
    return reply.result;
  }

  /**
   * Runs a camera frame, transferred (never copied; the worker closes it). A newer frame or
   * photo of the same slot replaces it while it waits: it then rejects as 'superseded'.
   */
  async runFrame(frame: CameraFrame, mirror: boolean, taps: readonly string[] | null = null, timeoutMs = 180_000, slot: RunSlot = 'main'): Promise<RunResult> {
    const reply = await this.request({ type: 'run-frame', frame, mirror, slot, taps }, undefined, timeoutMs, [frame]);
    if (reply.type !== 'run-result') throw new InferenceError('internal', `Unexpected reply ${reply.type}`);
    return reply.result;
  }

  /** Counters, or a fault injected on purpose (tests and the ?debug hook only). 'crash' never answers: the worker dies. */
  async debug(action: DebugAction, timeoutMs = 30_000): Promise<WorkerStats> {
    const reply = await this.request({ type: 'debug', action }, undefined, timeoutMs);
    if (reply.type !== 'debug-reply') throw new InferenceError('internal', `Unexpected reply ${reply.type}`);
    return reply.stats;
  }

  /** The loaded model's exact class evidence head, or why it has none. */
  async classHead(): Promise<{ head: ClassHead | null; reason: string | null }> {
    const reply = await this.request({ type: 'class-head' });
    if (reply.type !== 'class-head') throw new InferenceError('internal', `Unexpected reply ${reply.type}`);
    return { head: reply.head, reason: reply.reason };
  }

  /** The stored weight behind a tap's graph value (the Filters view), or why it has none. */
  async layerWeights(value: string): Promise<LayerWeightsResult> {
    const reply = await this.request({ type: 'layer-weights', value }, undefined, 60_000);
    if (reply.type !== 'layer-weights') throw new InferenceError('internal', `Unexpected reply ${reply.type}`);
    return reply.result;
  }

  /** What explaining any position of one layer needs, from one run of `image` (src/worker/explainRun.ts). */
  async explainInputs(image: Blob, tap: string): Promise<ExplainInputs> {
    const reply = await this.request({ type: 'explain-inputs', image, tap }, undefined, 120_000);
    if (reply.type !== 'explain-inputs') throw new InferenceError('internal', `Unexpected reply ${reply.type}`);
    return reply.inputs;
  }

  /**
   * Occlusion map of a photo for one class. `started` receives the request id at once, for
   * cancel(); a cancelled run rejects with code 'cancelled'.
   */
  async occlude(
    image: Blob,
    params: { classIndex: number; patch: number; stride: number },
    onProgress?: (p: Progress) => void,
    started?: (id: number) => void,
  ): Promise<OcclusionResult> {
    started?.(this.nextId);
    const reply = await this.request({ type: 'occlude', image, ...params }, onProgress);
    if (reply.type !== 'occlusion-result') throw new InferenceError('internal', `Unexpected reply ${reply.type}`);
    return reply.result;
  }

  /**
   * A few photos of the Examples view through the model (src/worker/examplesRun.ts). `state` is
   * transferred there and back, never copied: its buffers are unusable here until the reply.
   */
  async examplesBatch(photos: ExamplePhotoInput[], state: TopKState | null, modelKey: string, timeoutMs = 300_000): Promise<ExamplesBatchResult> {
    const reply = await this.request({ type: 'examples-batch', photos, state, modelKey }, undefined, timeoutMs, state ? topKBuffers(state) : []);
    if (reply.type !== 'examples-result') throw new InferenceError('internal', `Unexpected reply ${reply.type}`);
    return reply.result;
  }

  /** One channel's map of `tap` for each of a few kept crops (the Examples view's dialog). */
  async examplesMaps(crops: Blob[], tap: string, channel: number): Promise<{ maps: Float32Array[]; height: number; width: number }> {
    const reply = await this.request({ type: 'examples-maps', crops, tap, channel }, undefined, 120_000);
    if (reply.type !== 'examples-maps') throw new InferenceError('internal', `Unexpected reply ${reply.type}`);
    return { maps: reply.maps, height: reply.height, width: reply.width };
  }

  /** Stops a running occlusion between two batches; fire and forget (the occlusion itself answers). */
  cancel(target: number): void {
    this.worker.postMessage({ type: 'cancel', id: this.nextId++, target } satisfies WorkerRequest);
  }

  /** Stops the model download in progress; its load then fails with code 'cancelled'. Nothing answers this request itself. */
  cancelDownload(): void {
    this.worker.postMessage({ type: 'cancel-download', id: this.nextId++ } satisfies WorkerRequest);
  }

  dispose(): void {
    this.rejectAll('worker-crashed', 'The inference worker was closed.');
    this.worker.terminate();
  }
}
