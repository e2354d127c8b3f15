// The baselines every app figure is a ratio of: onnxruntime-node natively, and onnxruntime-web's
// bare session.run in a worker page with the app's settings (bench/bare.worker.ts), plus the
// fast paths tried against it.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { baseUrl, log, median, opts } from './lib.mjs';

export async function nativeRun(dir, manifest, threads) {
  const ortNode = await import('onnxruntime-node');
  const session = await ortNode.InferenceSession.create(resolve(dir, 'model.onnx'), { intraOpNumThreads: threads, interOpNumThreads: 1, graphOptimizationLevel: 'all' });
  const shape = manifest.input.shape;
  const size = shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(size);
  for (let i = 0; i < size; i++) data[i] = Math.sin(i * 0.37) * 1.5;
  const feeds = { [manifest.input.name]: new ortNode.Tensor('float32', data, shape) };
  const times = [];
  for (let i = 0; i < opts.warmup + opts.runs; i++) {
    const t0 = performance.now();
    await session.run(feeds);
    if (i >= opts.warmup) times.push(performance.now() - t0);
  }
  await session.release();
  return median(times);
}

/** `variant` changes the app's settings: { file, options, threads, occlusion } (see bench/bare.worker.ts). */
export async function bareRun(context, manifest, id, variant = {}) {
  const page = await context.newPage();
  await page.goto(`${baseUrl()}/bench/bare.html`);
  await page.waitForFunction(() => 'runBare' in window);
  const reply = await page.evaluate((req) => window.runBare(req), {
    modelUrl: variant.modelUrl ?? `/models/${id}/${variant.file ?? 'model.onnx'}`,
    inputName: manifest.input.name,
    shape: manifest.input.shape,
    warmup: opts.warmup,
    runs: opts.runs,
    options: variant.options,
    threads: variant.threads,
    occlusion: variant.occlusion,
  });
  await page.close();
  if (reply.error) throw new Error(`bare run failed: ${reply.error}`);
  return { median: reply.times.length ? median(reply.times) : NaN, createMs: reply.createMs, threads: reply.threads, outputs: reply.outputs, occlusion: reply.occlusion };
}

/**
 * onnxruntime's own optimiser, run ahead of time by onnxruntime-node and saved in ORT format.
 * 'extended' is the highest level whose result any CPU runs: 'all' adds x86-only layouts.
 */
async function preOptimise(dir) {
  const out = resolve(dir, 'model.extended.ort');
  if (!existsSync(out)) {
    const ortNode = await import('onnxruntime-node');
    const s = await ortNode.InferenceSession.create(resolve(dir, 'model.onnx'), { graphOptimizationLevel: 'extended', optimizedModelFilePath: out });
    await s.release();
  }
  return 'model.extended.ort';
}

/** Fast paths for the WASM run, each measured against the app's settings in the same run. */
export async function variantRuns(context, manifest, id, dir) {
  const ortFile = await preOptimise(dir);
  const variants = [
    { key: 'oneThread', label: '1 WASM thread', threads: 1 },
    { key: 'noSpinning', label: 'threads do not spin between ops', options: { extra: { session: { intra_op: { allow_spinning: '0' } } } } },
    { key: 'noMemPattern', label: 'no memory pattern, no arena', options: { enableMemPattern: false, enableCpuMemArena: false } },
    { key: 'preOptimisedOrt', label: 'pre-optimised ORT format (extended), loaded unoptimised', file: ortFile, options: { graphOptimizationLevel: 'disabled' } },
  ];
  const results = {};
  for (const v of variants) {
    log(`${id}: bare variant: ${v.label}…`);
    results[v.key] = { label: v.label, ...(await bareRun(context, manifest, id, v)) };
  }
  return results;
}
