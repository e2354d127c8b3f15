/// <reference lib="webworker" />
/**
 * The benchmark's baseline: onnxruntime-web's session.run in a worker with the
 * app's own settings and nothing else (no decode, preprocessing, transfer or drawing).
 */
import * as ort from 'onnxruntime-web/wasm';
import { createCheckpointSession } from '../src/checkpoint/checkpointSession';
import { sessionOptions, wasmThreadCount } from '../src/worker/sessionOptions';

declare const self: DedicatedWorkerGlobalScope;

export interface BareRequest {
  modelUrl: string;
  inputName: string;
  shape: number[];
  warmup: number;
  runs: number;
  /** Fast paths tried against the app's settings: these replace fields of sessionOptions('wasm'). */
  options?: Pick<ort.InferenceSession.SessionOptions, 'graphOptimizationLevel' | 'enableMemPattern' | 'enableCpuMemArena' | 'extra'>;
  /** WASM threads instead of the app's choice. */
  threads?: number;
  /**
   * Occlusion baselines instead of the usual runs: `count` inputs fetching only `logits`,
   * one session.run each, then the same inputs `batch` per session.run (dynamic batch).
   */
  occlusion?: { count: number; batch: number; logits: string };
  /**
   * `modelUrl` is a checkpoint (issue 26): createMs is then bytes → session as the app's worker
   * does it (read, build the ConvNeXt graph, InferenceSession.create on it), with its split.
   */
  checkpoint?: { fileName: string };
}

export interface BareReply {
  times: number[];
  /** InferenceSession.create on bytes already in memory (graph optimisation, weight packing). */
  createMs: number;
  threads: number;
  outputs: number;
  /**
   * With `checkpoint`: the split of createMs, and the bytes held when the build ends (the file,
   * the tensors not viewing it, the built ONNX: distinct ArrayBuffers) against the float32 weights.
   */
  checkpoint?: { readMs: number; buildMs: number; createOnlyMs: number; weightBytes: number; heldBytes: number; taps: number };
  /** With `occlusion`: wall time of the count × batch-1 runs, and of the batched runs. */
  occlusion?: { unbatchedMs: number; batchedMs: number; batchedRuns: number };
  error?: string;
}

async function occlusionBaseline(session: ort.InferenceSession, req: BareRequest, data: Float32Array): Promise<NonNullable<BareReply['occlusion']>> {
  const { count, batch, logits } = req.occlusion!;
  const run = async (n: number) => {
    const input = new Float32Array(n * data.length);
    for (let b = 0; b < n; b++) input.set(data, b * data.length);
    const results = await session.run({ [req.inputName]: new ort.Tensor('float32', input, [n, ...req.shape.slice(1)]) }, [logits]);
    for (const r of Object.values(results)) r.dispose();
  };
  await run(1);
  await run(batch); // warm-up of both shapes
  let t0 = performance.now();
  for (let i = 0; i < count; i++) await run(1);
  const unbatchedMs = performance.now() - t0;
  t0 = performance.now();
  let batchedRuns = 0;
  for (let done = 0; done < count; done += batch, batchedRuns++) await run(Math.min(batch, count - done));
  return { unbatchedMs, batchedMs: performance.now() - t0, batchedRuns };
}

async function bench(req: BareRequest): Promise<BareReply> {
  const threads = req.threads ?? wasmThreadCount(self.crossOriginIsolated, navigator.hardwareConcurrency);
  ort.env.wasm.numThreads = threads;
  const bytes = new Uint8Array(await (await fetch(req.modelUrl)).arrayBuffer());
  if (req.checkpoint) return checkpointCreate(bytes, req.checkpoint.fileName, threads, req.options);
  const created = performance.now();
  const session = await ort.InferenceSession.create(bytes, { ...sessionOptions('wasm'), ...req.options });
  const createMs = performance.now() - created;
  const size = req.shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(size);
  for (let i = 0; i < size; i++) data[i] = Math.sin(i * 0.37) * 1.5; // deterministic, photo-like range
  if (req.occlusion) {
    const occlusion = await occlusionBaseline(session, req, data);
    await session.release();
    return { times: [], createMs, threads, outputs: 1, occlusion };
  }
  const feeds = { [req.inputName]: new ort.Tensor('float32', data, req.shape) };
  const times: number[] = [];
  let outputs = 0;
  for (let i = 0; i < req.warmup + req.runs; i++) {
    const t0 = performance.now();
    const results = await session.run(feeds);
    const t1 = performance.now();
    outputs = Object.keys(results).length;
    for (const r of Object.values(results)) r.dispose();
    if (i >= req.warmup) times.push(t1 - t0);
  }
  await session.release();
  return { times, createMs, threads, outputs };
}

async function checkpointCreate(bytes: Uint8Array, fileName: string, threads: number, options: BareRequest['options']): Promise<BareReply> {
  const started = performance.now();
  const { session, manifest, timings } = await createCheckpointSession(bytes, { fileName }, (onnx) => ort.InferenceSession.create(onnx, { ...sessionOptions('wasm'), ...options }));
  const createMs = performance.now() - started;
  await session.release();
  const { readMs, buildMs, createMs: createOnlyMs, weightBytes, heldBytes } = timings;
  return { times: [], createMs, threads, outputs: manifest.taps.length, checkpoint: { readMs, buildMs, createOnlyMs, weightBytes, heldBytes, taps: manifest.taps.length } };
}

// onnxruntime's WASM threads start workers from this same script.
if (!self.name.startsWith('em-pthread')) {
  self.addEventListener('message', (e: MessageEvent<BareRequest>) => {
    bench(e.data).then(
      (reply) => self.postMessage(reply),
      (err: unknown) => self.postMessage({ times: [], createMs: 0, threads: 0, outputs: 0, error: String(err) } satisfies BareReply),
    );
  });
}
