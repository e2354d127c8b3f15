/**
 * Occlusion in the worker: runs the photo's input with one patch after another set to the
 * mean colour, several occluded copies per session.run where the batch dimension is
 * dynamic, and returns logit(original) − logit(occluded) for one class per patch.
 * The plan (patch positions, batches, writing an occluded input) is occlusionPlan.ts.
 */
import type * as OrtModule from 'onnxruntime-web';
import type { InputSpec } from '../model/manifest';
import type { OcclusionResult } from './protocol';
import { occlusionBatches, occlusionGrid, writeOccluded } from './occlusionPlan';

export interface OcclusionJob {
  ort: typeof OrtModule;
  session: OrtModule.InferenceSession;
  input: InputSpec;
  /** Graph output of the class scores; the only output fetched. */
  logitsName: string;
  /** The batch dimension of the model's input is dynamic. */
  dynamicBatch: boolean;
  /** The photo's normalised input, batch 1. */
  tensor: Float32Array;
  classIndex: number;
  patch: number;
  stride: number;
  /** Checked between batches: true stops the job (it then throws what `cancelled` returns). */
  isCancelled: () => boolean;
  cancelled: () => Error;
  progress: (done: number, total: number) => void;
}

async function classLogits(job: OcclusionJob, data: Float32Array, batch: number): Promise<Float32Array> {
  const { ort, session, input, logitsName } = job;
  const shape = [batch, ...input.shape.slice(1)];
  const feed = new ort.Tensor('float32', data, shape);
  let results: OrtModule.InferenceSession.OnnxValueMapType | null = null;
  try {
    results = await session.run({ [input.name]: feed }, [logitsName]);
    const out = results[logitsName];
    if (!out) throw new Error(`The model returned no output "${logitsName}".`);
    // WebGPU sessions leave outputs on the GPU: getData() reads this small one back.
    const all = (await out.getData()) as Float32Array;
    const classes = all.length / batch;
    return Float32Array.from({ length: batch }, (_, b) => all[b * classes + job.classIndex]!);
  } finally {
    for (const out of Object.values(results ?? {})) out.dispose();
    feed.dispose();
  }
}

function nextTask(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

export async function runOcclusion(job: OcclusionJob): Promise<OcclusionResult> {
  const started = performance.now();
  const size = job.input.cropSize;
  const grid = occlusionGrid(size, job.patch, job.stride);
  const count = grid.rows * grid.cols;
  const batches = occlusionBatches(count, job.dynamicBatch);
  const baseLogit = (await classLogits(job, job.tensor, 1))[0]!;
  const map = new Float32Array(count);
  const per = job.tensor.length;
  let done = 0;
  job.progress(0, count);
  for (const [start, end] of batches) {
    // onnxruntime's WASM run is synchronous underneath its promise: without a real turn of
    // the event loop here, a Cancel or a new photo would only be read after the last batch.
    await nextTask();
    if (job.isCancelled()) throw job.cancelled();
    const n = end - start;
    const data = new Float32Array(n * per);
    for (let i = start; i < end; i++) writeOccluded(data, i - start, job.tensor, size, job.input.layout, grid, i);
    const logits = await classLogits(job, data, n);
    for (let i = 0; i < n; i++) map[start + i] = baseLogit - logits[i]!;
    done = end;
    job.progress(done, count);
  }
  return {
    map,
    rows: grid.rows,
    cols: grid.cols,
    patch: grid.patch,
    stride: grid.stride,
    classIndex: job.classIndex,
    baseLogit,
    batchSize: batches[0] ? batches[0][1] - batches[0][0] : 0,
    runs: batches.length + 1,
    ms: performance.now() - started,
  };
}
