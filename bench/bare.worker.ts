/// <reference lib="webworker" />
/**
 * The benchmark's baseline: onnxruntime-web's session.run in a worker with the
 * app's own settings and nothing else (no decode, preprocessing, transfer or drawing).
 */
import * as ort from 'onnxruntime-web/wasm';
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
}

export interface BareReply {
  times: number[];
  /** InferenceSession.create on bytes already in memory (graph optimisation, weight packing). */
  createMs: number;
  threads: number;
  outputs: number;
  error?: string;
}

async function bench(req: BareRequest): Promise<BareReply> {
  const threads = req.threads ?? wasmThreadCount(self.crossOriginIsolated, navigator.hardwareConcurrency);
  ort.env.wasm.numThreads = threads;
  const bytes = new Uint8Array(await (await fetch(req.modelUrl)).arrayBuffer());
  const created = performance.now();
  const session = await ort.InferenceSession.create(bytes, { ...sessionOptions('wasm'), ...req.options });
  const createMs = performance.now() - created;
  const size = req.shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(size);
  for (let i = 0; i < size; i++) data[i] = Math.sin(i * 0.37) * 1.5; // deterministic, photo-like range
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

// onnxruntime's WASM threads start workers from this same script.
if (!self.name.startsWith('em-pthread')) {
  self.addEventListener('message', (e: MessageEvent<BareRequest>) => {
    bench(e.data).then(
      (reply) => self.postMessage(reply),
      (err: unknown) => self.postMessage({ times: [], createMs: 0, threads: 0, outputs: 0, error: String(err) } satisfies BareReply),
    );
  });
}
