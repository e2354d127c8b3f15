/**
 * The peer the bench compares ConvLens with: transformers.js's `image-classification` pipeline,
 * as its docs use it, on the same Hub-layout ONNX files served from this origin (no remote
 * models, its onnxruntime-web's WASM from /peer/ort/ instead of its default CDN), with as many
 * WASM threads as the app uses.
 */
import { env, pipeline, type ImageClassificationPipeline } from '@huggingface/transformers';
import { wasmThreadCount } from '../src/worker/sessionOptions';

export interface PeerRequest {
  /** Folder under /peer/ laid out as a Hub repo: config.json, preprocessor_config.json, onnx/model.onnx. */
  model: string;
  photoUrl: string;
  warmup: number;
  runs: number;
}

export interface PeerReply {
  loadMs: number;
  /** One classify(photo) each: read the photo, preprocess, session.run, top-5. */
  times: number[];
  threads: number;
  top1: string;
  error?: string;
}

async function runPeer(req: PeerRequest): Promise<PeerReply> {
  try {
    env.allowRemoteModels = false;
    env.allowLocalModels = true;
    env.localModelPath = '/peer/';
    // Its default turns the WASM factory into a blob: script, which the app's CSP (sent on this page too) refuses.
    env.useWasmCache = false;
    const wasm = env.backends.onnx.wasm!;
    wasm.wasmPaths = { mjs: '/peer/ort/ort-wasm-simd-threaded.asyncify.mjs', wasm: '/peer/ort/ort-wasm-simd-threaded.asyncify.wasm' };
    const threads = wasmThreadCount(self.crossOriginIsolated, navigator.hardwareConcurrency);
    wasm.numThreads = threads;
    const t0 = performance.now();
    const classify = (await pipeline('image-classification', req.model, { device: 'wasm', dtype: 'fp32' })) as ImageClassificationPipeline;
    const loadMs = performance.now() - t0;
    const times: number[] = [];
    let top1 = '';
    for (let i = 0; i < req.warmup + req.runs; i++) {
      const started = performance.now();
      const out = await classify(req.photoUrl, { top_k: 5 });
      if (i >= req.warmup) times.push(performance.now() - started);
      top1 = (Array.isArray(out) ? (out[0] as { label: string }) : (out as unknown as { label: string })).label;
    }
    return { loadMs, times, threads, top1 };
  } catch (e) {
    return { loadMs: 0, times: [], threads: 0, top1: '', error: String((e as Error)?.stack ?? e) };
  }
}

(window as unknown as { runPeer: typeof runPeer }).runPeer = runPeer;
