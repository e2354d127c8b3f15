/**
 * The worker's one loaded model and everything done with it: loading, photos and camera
 * frames run through every tap, the class evidence head, occlusion. Each method does one
 * request's work and posts its answer; the run queue decides when it runs. It keeps the
 * model it has until a new one is fully checked, and moves from WebGPU to WASM by itself
 * when the GPU fails a run or loses its device.
 */
import { findClassHead } from '../model/classHead';
import type { InputChoice } from '../model/deriveManifest';
import type { Manifest } from '../model/manifest';
import { readInitializers } from '../model/onnxInitializers';
import { readLayerWeights } from '../model/layerWeights';
import { readOnnx } from '../model/onnxProto';
import { logitsTap, tapOutputName } from '../model/taps';
import { decodeFrame, decodeImage, type Decoded } from '../image/decode';
import { cropToRgba } from '../image/normaliseInput';
import { preprocess } from '../image/preprocess';
import { GpuDeviceWatch, reopenOnWasm } from './backend';
import { ModelDownloads } from './modelBytes';
import { loadModel, reconfigureInput, type Loaded, type LoadedModel, type LoadProgress, type LoadRequest } from './modelLoad';
import { runOcclusion } from './occlusion';
import { ExplainRunner, explainTransferables } from './explainRun';
import { runExampleMaps, runExamplesBatch, type ExamplesBatchRequest } from './examplesRun';
import { ExampleStatsRunner } from './exampleStatsRun';
import { topKBuffers } from '../examples/topK';
import { transferablesOf, type BackendName, type CameraFrame, type DecodeInfo, type RunResult, type TapOutput, type WorkerResponse } from './protocol';
import { OCCLUSION_CANCELLED } from './runQueue';
import { runTaps, saneOutputs } from './tapRun';
import { WorkerError, asWorkerError, errorText, noModel } from './workerError';

export type Post = (message: WorkerResponse, transfer?: Transferable[]) => void;

export interface OcclusionRequest {
  image: Blob;
  classIndex: number;
  patch: number;
  stride: number;
}

function decodeInfo(d: Decoded, transparent: boolean): DecodeInfo {
  return { format: d.format, width: d.width, height: d.height, transparent, frames: d.frames };
}

/** The graph value of the class scores, which the class head and occlusion start from. */
function logitsValue(manifest: Manifest): string {
  const tap = logitsTap(manifest);
  if (!tap) throw new WorkerError('model-invalid', 'This model has no class scores to explain.');
  return tapOutputName(tap);
}

export class InferenceEngine {
  private model: LoadedModel | null = null;
  private readonly gpu = new GpuDeviceWatch();
  readonly downloads = new ModelDownloads();
  /** Occlusion request running now, and whether it was asked to stop. */
  private occluding: { id: number; cancelled: boolean } | null = null;
  /** The selected layer's explanation session (explainRun.ts). */
  private readonly explainer = new ExplainRunner();
  private readonly exampleStats = new ExampleStatsRunner();
  /** For the debug counters: session runs, and camera frames received and closed. */
  readonly counters = { runsExecuted: 0, framesReceived: 0, framesClosed: 0, framesDirect: 0 };
  private readonly batchAxes = new WeakMap<LoadedModel, boolean>();

  constructor(private readonly post: Post) {}

  get backend(): BackendName | null {
    return this.model?.backend.name ?? null;
  }

  private progress(id: number): LoadProgress {
    return (stage, loaded, total) => this.post({ type: 'progress', id, stage, loaded, total });
  }

  private loaded(): LoadedModel {
    if (!this.model) throw noModel();
    return this.model;
  }

  private answerLoaded(id: number, { model, compileMs, fromCache }: Loaded): void {
    this.post({ type: 'model-loaded', id, backend: model.backend, compileMs, manifest: model.manifest, fromCache });
  }

  async load(id: number, request: LoadRequest): Promise<void> {
    const loaded = await loadModel(request, { progress: this.progress(id), downloads: this.downloads, gpu: this.gpu, onGpu: () => this.model?.backend.name === 'webgpu' });
    const previous = this.model;
    this.model = loaded.model;
    if (previous && previous.session !== loaded.model.session) await previous.session.release().catch(() => undefined);
    await this.exampleStats.release();
    this.answerLoaded(id, loaded);
  }

  async configureInput(id: number, choice: InputChoice): Promise<void> {
    const ctx = { progress: this.progress(id), downloads: this.downloads, gpu: this.gpu, onGpu: () => this.model?.backend.name === 'webgpu' };
    const loaded = await reconfigureInput(this.loaded(), choice, ctx);
    const previous = this.model;
    this.model = loaded.model;
    // A checkpoint rebuilt at another size has a session of its own.
    if (previous && previous.session !== loaded.model.session) await previous.session.release().catch(() => undefined);
    await this.exampleStats.release();
    this.answerLoaded(id, loaded);
  }

  private async fallBackToWasm(m: LoadedModel, reason: string): Promise<LoadedModel> {
    const opened = await reopenOnWasm(m.bytes, m.externalData, reason);
    await m.session.release().catch(() => undefined);
    this.model = { ...m, ...opened };
    return this.model;
  }

  /** The model to run now: on a lost GPU device, the same model moved to WASM first. */
  private async current(): Promise<LoadedModel> {
    const m = this.loaded();
    if (m.backend.name === 'webgpu' && this.gpu.lost) return this.fallBackToWasm(m, `The GPU device was lost (${this.gpu.lost}), using WASM`);
    return m;
  }

  async run(id: number, image: Blob): Promise<void> {
    const m = await this.current();
    this.post({ type: 'progress', id, stage: 'decode', loaded: 0, total: null });
    const t0 = performance.now();
    const decoded = await decodeImage(image);
    await this.runDecoded(id, m, decoded, t0, false);
  }

  frameReceived(): void {
    this.counters.framesReceived++;
  }

  closeFrame(frame: CameraFrame): void {
    frame.close();
    this.counters.framesClosed++;
  }

  /**
   * A camera frame: its pixels take the photo's path from here on (same pre-shrink, resize,
   * crop, normalise). `taps`: the ones to bring back (src/camera/frameTaps.ts), null for all.
   */
  async runFrame(id: number, frame: CameraFrame, mirror: boolean, taps: readonly string[] | null = null): Promise<void> {
    const t0 = performance.now();
    let m: LoadedModel;
    try {
      m = await this.current();
    } catch (e) {
      this.closeFrame(frame);
      throw e;
    }
    // Closed as soon as its pixels are read, and on every failure.
    const decoded = await decodeFrame(frame, mirror, (f) => this.closeFrame(f));
    if (decoded.direct) this.counters.framesDirect++;
    await this.runDecoded(id, m, decoded, t0, true, taps);
  }

  private runTaps(m: LoadedModel, tensor: Float32Array, only: readonly string[] | null, batch = 1): Promise<TapOutput[]> {
    this.counters.runsExecuted += batch;
    return runTaps(m, tensor, only, batch);
  }

  /** Whether the model's input takes any batch size (read from its graph once per model). */
  private dynamicBatch(m: LoadedModel): boolean {
    let known = this.batchAxes.get(m);
    if (known === undefined) {
      const batch = readOnnx(m.bytes).inputs.find((i) => i.name === m.manifest.input.name)?.dims?.[0];
      known = typeof batch === 'string' || batch === null;
      this.batchAxes.set(m, known);
    }
    return known;
  }

  private async runDecoded(id: number, loaded: LoadedModel, decoded: Decoded, t0: number, keepFrame: boolean, only: readonly string[] | null = null): Promise<void> {
    let m = loaded;
    const t1 = performance.now();
    const pre = preprocess(decoded.rgba, decoded.width, decoded.height, m.manifest.input);
    const t2 = performance.now();
    this.post({ type: 'progress', id, stage: 'inference', loaded: 0, total: null });
    let taps: TapOutput[];
    try {
      taps = await this.runTaps(m, pre.tensor, only);
      if (m.backend.name === 'webgpu' && !saneOutputs(taps, m.manifest)) throw new Error('WebGPU returned invalid (zero or non-finite) logits');
    } catch (e) {
      if (m.backend.name !== 'webgpu') throw asWorkerError(e, 'inference', 'Inference failed: ');
      m = await this.fallBackToWasm(m, `WebGPU run failed (${errorText(e)}), using WASM`);
      taps = await this.runTaps(m, pre.tensor, only);
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
    this.post({ type: 'run-result', id, result }, transferablesOf(result));
  }

  /** The exact class evidence head (src/model/classHead.ts) of the loaded model, read from its graph. */
  async classHead(id: number): Promise<void> {
    const m = this.loaded();
    const found = findClassHead(readOnnx(m.bytes), logitsValue(m.manifest), (names) => readInitializers(m.bytes, names));
    this.post({ type: 'class-head', id, head: found.ok ? found.head : null, reason: found.ok ? null : found.reason });
  }

  /** The stored weight behind a tap (src/model/layerWeights.ts), read from the model's bytes; its data is transferred. */
  layerWeights(id: number, value: string): void {
    const m = this.loaded();
    const result = readLayerWeights(readOnnx(m.bytes), value, (names, options) => readInitializers(m.bytes, names, options));
    this.post({ type: 'layer-weights', id, result }, result.ok ? [result.weights.data.buffer as ArrayBuffer] : []);
  }

  /** The inputs of one layer's "How this value is computed" for `image` (the photo of the last run). */
  async explainInputs(id: number, image: Blob, tap: string): Promise<void> {
    const m = await this.current();
    const decoded = await decodeImage(image);
    const pre = preprocess(decoded.rgba, decoded.width, decoded.height, m.manifest.input);
    const inputs = await this.explainer.inputs(m, tap, pre.tensor).catch((e: unknown) => {
      throw asWorkerError(e, 'inference', 'The explanation could not be computed: ');
    });
    this.post({ type: 'explain-inputs', id, inputs }, explainTransferables(inputs));
  }

  /** The session's model bytes (a checkpoint's built graph), copied so the session keeps its own; transferred. */
  modelBytes(id: number): void {
    const bytes = this.loaded().bytes.slice();
    this.post({ type: 'model-bytes', id, bytes }, [bytes.buffer]);
  }

  /** Stops the running occlusion between two of its batches: the one `target` names, or any. */
  stopOcclusion(target?: number): void {
    if (this.occluding && (target === undefined || this.occluding.id === target)) this.occluding.cancelled = true;
  }

  async occlude(id: number, { image, classIndex, patch, stride }: OcclusionRequest): Promise<void> {
    const m = this.loaded();
    const job = { id, cancelled: false };
    this.occluding = job;
    try {
      const decoded = await decodeImage(image);
      const pre = preprocess(decoded.rgba, decoded.width, decoded.height, m.manifest.input);
      const result = await runOcclusion({
        ort: m.ort,
        session: m.session,
        input: m.manifest.input,
        logitsName: logitsValue(m.manifest),
        dynamicBatch: this.dynamicBatch(m),
        tensor: pre.tensor,
        classIndex,
        patch,
        stride,
        isCancelled: () => job.cancelled,
        cancelled: () => new WorkerError('cancelled', OCCLUSION_CANCELLED),
        progress: (loaded, total) => this.post({ type: 'progress', id, stage: 'occlusion', loaded, total }),
      });
      this.post({ type: 'occlusion-result', id, result }, [result.map.buffer as ArrayBuffer]);
    } catch (e) {
      throw asWorkerError(e, 'inference', 'Occlusion failed: ');
    } finally {
      if (this.occluding === job) this.occluding = null;
    }
  }

  /** A batch of the Examples view's photos (examplesRun.ts); the state and the means travel back transferred. */
  async examplesBatch(id: number, request: ExamplesBatchRequest): Promise<void> {
    const m = await this.current();
    const maxBatch = this.dynamicBatch(m) ? request.photos.length : 1;
    const result = await runExamplesBatch(m, request, (model, tensor, batch) => this.runTaps(model, tensor, null, batch), maxBatch, {
      prepare: (model) => this.exampleStats.prepare(model),
      fail: (model) => this.exampleStats.fail(model),
      run: (prepared, tensor, batch) => {
        this.counters.runsExecuted += batch;
        return this.exampleStats.run(prepared, tensor, batch);
      },
    });
    const buffers = [...(result.state ? topKBuffers(result.state) : []), ...result.photos.flatMap((p) => (p.means ? [p.means.buffer as ArrayBuffer] : []))];
    this.post({ type: 'examples-result', id, result }, buffers);
  }

  async examplesMaps(id: number, request: { crops: Blob[]; tap: string; channel: number }): Promise<void> {
    const m = await this.current();
    const maxBatch = this.dynamicBatch(m) ? request.crops.length : 1;
    const { maps, height, width } = await runExampleMaps(m, request.crops, request.tap, request.channel, (model, tensor, only, batch) => this.runTaps(model, tensor, only, batch), maxBatch);
    this.post({ type: 'examples-maps', id, maps, height, width }, maps.map((x) => x.buffer as ArrayBuffer));
  }

  /** Debug action 'lose-gpu': destroys the WebGPU device under the loaded model, as a driver reset would. */
  async loseGpu(): Promise<void> {
    const m = this.model;
    if (m?.backend.name !== 'webgpu') return;
    const device = await m.ort.env.webgpu.device;
    device.destroy();
    await device.lost;
  }
}
