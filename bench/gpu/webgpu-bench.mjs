#!/usr/bin/env node
// onnxruntime-web's WebGPU execution provider under plain Node, with navigator.gpu from
// Dawn's Node bindings (the `webgpu` npm package: dawn.node, Chromium's own WebGPU
// implementation), next to onnxruntime-web's WASM backend in the same Node. Made to measure
// a real GPU on a machine where Chromium cannot go (see bench/gpu/README.md).
//
//   node webgpu-bench.mjs probe                       adapter info as JSON (exit 3: no adapter)
//   node webgpu-bench.mjs run --model DIR [options]   one model: WebGPU + WASM + correctness
//   node webgpu-bench.mjs merge --out FILE a.json...  one JSON and one table from several runs
//
// run options:
//   --id NAME            label (default: the manifest's id, else the folder name)
//   --out FILE           result JSON (default: stdout only)
//   --runs N --warmup N  timed runs and warm-ups per figure (default 10 and 3)
//   --threads 1,4        WASM thread counts, one child process each (0 or none: no WASM)
//   --gpu-threads N      env.wasm.numThreads for the WebGPU session (default 4, as the app on a
//                        cross-origin-isolated page with >= 4 cores)
//   --variants LIST      WebGPU figures: batched (outputs left on the GPU and read back together
//                        in one copy + map, src/worker/gpuReadback.ts: the app), all (every
//                        output read back by onnxruntime itself, one map per output), logits
//                        (only the logits fetched), gpu (outputs left on the GPU, logits
//                        downloaded with getData); default batched,all,logits,gpu
//   --wasm-model DIR     run WASM (the reference for the error figures) on another model, e.g.
//                        the fp32 model when --model is its float16-compute copy
//   --require-feature F  skip WebGPU unless the adapter has feature F (e.g. shader-f16)
//   --no-webgpu          WASM only
//   --child-timeout S    seconds per child process (default 150)
//   --budget S           seconds for all children together (default: no limit)
// Environment: GPU_ORT_DIR (onnxruntime-web's dist files), GPU_WEBGPU_DIR (the webgpu package),
// GPU_DAWN_FLAGS (comma-separated flags for dawn.node's create(), e.g. backend=vulkan).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { basename, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = import.meta.dirname;
const root = resolve(here, '../..');
const ORT_DIR = resolve(process.env.GPU_ORT_DIR ?? resolve(root, 'node_modules/onnxruntime-web/dist'));
const WEBGPU_DIR = resolve(process.env.GPU_WEBGPU_DIR ?? resolve(root, '.gpu/webgpu'));
// The app's read-back, compiled from src/worker/gpuReadback.ts by prepare.sh.
const READBACK = resolve(process.env.GPU_READBACK ?? resolve(root, '.gpu/app/gpuReadback.js'));
const DAWN_FLAGS = (process.env.GPU_DAWN_FLAGS ?? '').split(',').filter((s) => s);

const argv = process.argv.slice(2);
const mode = argv[0];
const opt = (name, fallback) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < argv.length ? argv[i + 1] : fallback;
};
const flag = (name) => argv.includes(`--${name}`);
const log = (...a) => console.error('[webgpu-bench]', ...a);

const median = (xs) => {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const round = (x, d = 2) => (x == null || !Number.isFinite(x) ? x : Number(x.toFixed(d)));
const stats = (times) => ({ median: round(median(times)), min: round(Math.min(...times)), max: round(Math.max(...times)), times: times.map((t) => round(t)) });
const errorText = (e) => (e instanceof Error ? `${e.message}` : String(e));

/** The model's input and outputs: from manifest.json (the app's own contract), else from the file. */
function readModel(dir) {
  const file = resolve(dir, 'model.onnx');
  const manifestPath = resolve(dir, 'manifest.json');
  const manifest = existsSync(manifestPath) ? JSON.parse(readFileSync(manifestPath, 'utf8')) : null;
  return { dir, file, bytes: readFileSync(file), manifest };
}

function inputData(shape) {
  // Same deterministic, photo-like input as bench/run.mjs and bench/bare.worker.ts.
  const size = shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(size);
  for (let i = 0; i < size; i++) data[i] = Math.sin(i * 0.37) * 1.5;
  return data;
}

function inputSpec(model, session) {
  if (model.manifest) return { name: model.manifest.input.name, shape: model.manifest.input.shape };
  const meta = session.inputMetadata?.[0];
  const shape = meta?.shape?.map((d) => (typeof d === 'number' ? d : 1)) ?? [1, 3, 224, 224];
  return { name: session.inputNames[0], shape };
}

function outputNames(model, session) {
  if (model.manifest) return model.manifest.taps.map((t) => t.output ?? t.name);
  return [...session.outputNames];
}

function threadsInProcess() {
  try {
    return readdirSync('/proc/self/task').length;
  } catch {
    return null;
  }
}

/** Raw float32 dump of every output (in order) + an index, for the parent to compare. */
function writeDump(path, results, names) {
  const index = [];
  const parts = [];
  let offset = 0;
  for (const name of names) {
    const t = results[name];
    if (!t) continue;
    const data = t.data instanceof Float32Array ? t.data : Float32Array.from(t.data);
    index.push({ name, dims: [...t.dims], offset, length: data.length });
    parts.push(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
    offset += data.byteLength;
  }
  writeFileSync(path, Buffer.concat(parts));
  writeFileSync(`${path}.json`, JSON.stringify(index));
}

function readDump(path) {
  if (!existsSync(path) || !existsSync(`${path}.json`)) return null;
  const buf = readFileSync(path);
  const out = new Map();
  for (const e of JSON.parse(readFileSync(`${path}.json`, 'utf8'))) {
    const copy = new Uint8Array(buf.subarray(e.offset, e.offset + e.length * 4));
    out.set(e.name, { dims: e.dims, data: new Float32Array(copy.buffer, 0, e.length) });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Node stand-ins for what a browser page gives onnxruntime-web's WebGPU build.

async function setupWebGpu() {
  const { create, globals } = await import(pathToFileURL(resolve(WEBGPU_DIR, 'index.js')).href);
  Object.assign(globalThis, globals);
  // WASM memory is a SharedArrayBuffer when threads are on; Chromium's writeBuffer takes views of
  // it, dawn.node answers "Invalid argument". Copy such views first (uploads only: the input and,
  // once, the weights).
  const writeBuffer = globals.GPUQueue.prototype.writeBuffer;
  globals.GPUQueue.prototype.writeBuffer = function (buffer, offset, data, dataOffset = 0, size) {
    if (ArrayBuffer.isView(data) && data.buffer instanceof SharedArrayBuffer) {
      const n = size ?? data.length - dataOffset;
      data = data.subarray(dataOffset, dataOffset + n).slice();
      dataOffset = 0;
      size = n;
    }
    return writeBuffer.call(this, buffer, offset, data, dataOffset, size);
  };
  const gpu = create(DAWN_FLAGS);
  globalThis.navigator = { gpu, hardwareConcurrency: os.cpus().length, userAgent: `Node.js/${process.version}` };
  return gpu;
}

/**
 * With threads, onnxruntime-web's browser builds fetch their own .mjs and import it from a blob:
 * URL unless the page's origin matches. Node has neither fetch for file: URLs nor imports of blob:
 * URLs, so give fetch file: URLs and map those blobs back to the file they came from.
 */
function setupFileFetch() {
  const fileOf = new WeakMap();
  const realFetch = globalThis.fetch;
  globalThis.fetch = async (input, init) => {
    const url = String(input?.url ?? input);
    if (!url.startsWith('file:')) return realFetch(input, init);
    const bytes = readFileSync(fileURLToPath(url));
    return {
      ok: true,
      status: 200,
      headers: new Headers({ 'content-length': String(bytes.length) }),
      arrayBuffer: async () => bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
      blob: async () => {
        const blob = new Blob([bytes]);
        fileOf.set(blob, url);
        return blob;
      },
    };
  };
  const createObjectURL = URL.createObjectURL;
  URL.createObjectURL = (blob) => fileOf.get(blob) ?? createObjectURL(blob);
}

function adapterSummary(adapter) {
  const info = adapter.info ?? {};
  const limits = {};
  for (const k of ['maxBufferSize', 'maxStorageBufferBindingSize', 'maxComputeWorkgroupStorageSize', 'maxComputeInvocationsPerWorkgroup', 'maxComputeWorkgroupSizeX', 'maxStorageBuffersPerShaderStage', 'minSubgroupSize', 'maxSubgroupSize']) {
    if (adapter.limits?.[k] !== undefined) limits[k] = adapter.limits[k];
  }
  const text = `${info.vendor} ${info.architecture} ${info.device} ${info.description}`;
  return {
    vendor: info.vendor ?? '',
    architecture: info.architecture ?? '',
    device: info.device ?? '',
    description: info.description ?? '',
    isFallbackAdapter: info.isFallbackAdapter ?? adapter.isFallbackAdapter ?? null,
    software: /swiftshader|llvmpipe|lavapipe|softpipe/i.test(text),
    features: [...adapter.features].sort(),
    limits,
  };
}

async function probe() {
  const gpu = await setupWebGpu();
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) {
    console.log(JSON.stringify({ adapter: null, dawnFlags: DAWN_FLAGS }));
    process.exit(3);
  }
  const summary = adapterSummary(adapter);
  const device = await adapter.requestDevice();
  // One GPU -> CPU read-back (copy, submit, mapAsync, getMappedRange), as onnxruntime does per
  // output fetched to the CPU: its latency through dawn.node bounds what 40-60 taps can cost.
  const readback = [];
  try {
    const size = 4096;
    const src = device.createBuffer({ size, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST });
    const dst = device.createBuffer({ size, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    device.queue.writeBuffer(src, 0, new Float32Array(size / 4).fill(1));
    for (let i = 0; i < 23; i++) {
      const t0 = performance.now();
      const enc = device.createCommandEncoder();
      enc.copyBufferToBuffer(src, 0, dst, 0, size);
      device.queue.submit([enc.finish()]);
      await dst.mapAsync(GPUMapMode.READ);
      new Float32Array(dst.getMappedRange()).slice(0, 4);
      dst.unmap();
      if (i >= 3) readback.push(performance.now() - t0);
    }
  } catch (e) {
    log(`read-back probe failed: ${errorText(e)}`);
  }
  device.destroy();
  const readbackMs = readback.length ? { median: round(median(readback), 3), min: round(Math.min(...readback), 3), max: round(Math.max(...readback), 3) } : null;
  console.log(JSON.stringify({ adapter: summary, readbackMs, dawnFlags: DAWN_FLAGS }));
  process.exit(0);
}

// ---------------------------------------------------------------------------------------------
// Children: one backend configuration each (onnxruntime-web fixes numThreads once per process).

async function timeRuns(label, warmup, runs, once) {
  const times = [];
  let first = null;
  for (let i = 0; i < warmup + runs; i++) {
    const t = await once();
    if (i === 0) first = t;
    if (i >= warmup) times.push(t);
  }
  log(`${label}: median ${round(median(times))} ms over ${runs} (first ${round(first)} ms)`);
  return { ...stats(times), first: round(first), warmup, runs };
}

function disposeAll(results) {
  for (const t of Object.values(results ?? {})) t.dispose?.();
}

async function childWebGpu(model, o) {
  const out = { backend: 'webgpu', ort: null, adapter: null, variants: {}, errors: {} };
  const gpu = await setupWebGpu();
  setupFileFetch();
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) throw new Error('navigator.gpu.requestAdapter() gave no adapter');
  out.adapter = adapterSummary(adapter);
  if (o.requireFeature && !adapter.features.has(o.requireFeature)) {
    out.skipped = `the adapter has no '${o.requireFeature}'`;
    return out;
  }
  const ort = await import(pathToFileURL(resolve(ORT_DIR, 'ort.webgpu.min.mjs')).href);
  out.ort = ort.env.versions?.web ?? null;
  ort.env.logLevel = 'error';
  ort.env.wasm.numThreads = o.gpuThreads;
  ort.env.wasm.wasmBinary = readFileSync(resolve(ORT_DIR, 'ort-wasm-simd-threaded.asyncify.wasm'));
  ort.env.webgpu.powerPreference = 'high-performance';
  ort.env.webgpu.adapter = adapter;
  out.numThreads = o.gpuThreads;
  // The app's settings: src/worker/sessionOptions.ts sessionOptions('webgpu').
  const options = { executionProviders: ['webgpu'], graphOptimizationLevel: 'all' };
  let t0 = performance.now();
  const session = await ort.InferenceSession.create(model.bytes, options);
  out.sessionCreateMs = round(performance.now() - t0);
  try {
    const device = await ort.env.webgpu.device;
    if (device?.features) out.deviceFeatures = [...device.features].sort();
  } catch {}
  const input = inputSpec(model, session);
  const names = outputNames(model, session);
  const logitsName = names[names.length - 1];
  out.outputs = names.length;
  const feeds = { [input.name]: new ort.Tensor('float32', inputData(input.shape), input.shape) };

  if (o.variants.includes('all')) {
    try {
      out.variants.all = await timeRuns(`${o.id} webgpu all outputs`, o.warmup, o.runs, async () => {
        const s = performance.now();
        const r = await session.run(feeds);
        const t = performance.now() - s;
        disposeAll(r);
        return t;
      });
    } catch (e) {
      out.errors.all = errorText(e);
    }
  }
  if (o.variants.includes('logits')) {
    try {
      out.variants.logits = await timeRuns(`${o.id} webgpu logits only`, o.warmup, o.runs, async () => {
        const s = performance.now();
        const r = await session.run(feeds, [logitsName]);
        const t = performance.now() - s;
        disposeAll(r);
        return t;
      });
    } catch (e) {
      out.errors.logits = errorText(e);
    }
  }
  // One more run for the error figures, every output read back as the app reads them.
  try {
    const r = await session.run(feeds);
    const logits = r[logitsName]?.data;
    out.saneLogits = !!logits && logits.some((v) => v !== 0) && logits.every((v) => Number.isFinite(v));
    if (o.dump && !o.variants.includes('batched')) writeDump(o.dump, r, names);
    disposeAll(r);
  } catch (e) {
    out.errors.dump = errorText(e);
  }
  await session.release();

  if (o.variants.includes('batched')) {
    try {
      const { readBackAll } = await import(pathToFileURL(READBACK).href);
      t0 = performance.now();
      // The app's session: src/worker/sessionOptions.ts sessionOptions('webgpu').
      const batchedSession = await ort.InferenceSession.create(model.bytes, { ...options, preferredOutputLocation: 'gpu-buffer' });
      out.batchedSessionCreateMs = round(performance.now() - t0);
      // Asked for after the session exists: releasing the last session can destroy the device.
      const device = await ort.env.webgpu.device;
      const runBatched = async () => {
        const r = await batchedSession.run(feeds);
        const tensors = names.map((n) => r[n]);
        const data = await readBackAll(device, tensors.map((t) => ({ buffer: t.gpuBuffer, byteLength: t.size * 4 })));
        return { r, data };
      };
      out.variants.batched = await timeRuns(`${o.id} webgpu all outputs, one batched read-back (app)`, o.warmup, o.runs, async () => {
        const s = performance.now();
        const { r } = await runBatched();
        const t = performance.now() - s;
        disposeAll(r);
        return t;
      });
      // The error figures are taken on the app's own path.
      const { r, data } = await runBatched();
      const logits = data[data.length - 1];
      out.saneLogitsBatched = !!logits && logits.some((v) => v !== 0) && logits.every((v) => Number.isFinite(v));
      if (o.dump) writeDump(o.dump, Object.fromEntries(names.map((n, i) => [n, { dims: r[n].dims, data: data[i] }])), names);
      out.dumpFrom = 'batched';
      disposeAll(r);
      await batchedSession.release();
    } catch (e) {
      out.errors.batched = `${errorText(e)} ${e?.stack?.split('\n').slice(0, 4).join(' ') ?? ''}`;
    }
  }
  if (o.variants.includes('gpu')) {
    try {
      t0 = performance.now();
      const gpuSession = await ort.InferenceSession.create(model.bytes, { ...options, preferredOutputLocation: 'gpu-buffer' });
      out.gpuSessionCreateMs = round(performance.now() - t0);
      out.variants.gpu = await timeRuns(`${o.id} webgpu outputs on GPU, logits downloaded`, o.warmup, o.runs, async () => {
        const s = performance.now();
        const r = await gpuSession.run(feeds);
        await r[logitsName].getData();
        const t = performance.now() - s;
        disposeAll(r);
        return t;
      });
      await gpuSession.release();
    } catch (e) {
      out.errors.gpu = errorText(e);
    }
  }
  out.processThreads = threadsInProcess();
  return out;
}

async function childWasm(model, o) {
  const out = { backend: 'wasm', ort: null };
  // The app's 'onnxruntime-web/wasm' build (ort.wasm.min.mjs is ort.wasm.bundle.min.mjs with its
  // .mjs glue left as a file), ort-wasm-simd-threaded.wasm; its threads are worker_threads.
  setupFileFetch();
  const ort = await import(pathToFileURL(resolve(ORT_DIR, 'ort.wasm.min.mjs')).href);
  out.ort = ort.env.versions?.web ?? null;
  ort.env.logLevel = 'error';
  ort.env.wasm.numThreads = o.threads;
  ort.env.wasm.wasmBinary = readFileSync(resolve(ORT_DIR, 'ort-wasm-simd-threaded.wasm'));
  out.numThreads = o.threads;
  const t0 = performance.now();
  const session = await ort.InferenceSession.create(model.bytes, { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
  out.sessionCreateMs = round(performance.now() - t0);
  const input = inputSpec(model, session);
  const names = outputNames(model, session);
  out.outputs = names.length;
  const feeds = { [input.name]: new ort.Tensor('float32', inputData(input.shape), input.shape) };
  out.all = await timeRuns(`${o.id} wasm ${o.threads} thread(s)`, o.warmup, o.runs, async () => {
    const s = performance.now();
    const r = await session.run(feeds);
    const t = performance.now() - s;
    if (o.dump && !existsSync(o.dump)) writeDump(o.dump, r, names);
    disposeAll(r);
    return t;
  });
  out.processThreads = threadsInProcess();
  await session.release();
  return out;
}

async function child() {
  const o = {
    backend: opt('backend'),
    id: opt('id', 'model'),
    runs: Number(opt('runs', 10)),
    warmup: Number(opt('warmup', 3)),
    threads: Number(opt('threads', 1)),
    gpuThreads: Number(opt('gpu-threads', 4)),
    variants: opt('variants', 'batched,all,logits,gpu').split(','),
    dump: opt('dump', null),
    requireFeature: opt('require-feature', null),
  };
  const resultPath = opt('result');
  let result;
  try {
    // A stand-in for a hung driver, to test the timeouts: GPU_TEST_HANG=webgpu|wasm.
    if (process.env.GPU_TEST_HANG === o.backend) await new Promise(() => setInterval(() => {}, 1000));
    const model = readModel(opt('model'));
    result = o.backend === 'webgpu' ? await childWebGpu(model, o) : await childWasm(model, o);
  } catch (e) {
    result = { backend: o.backend, error: errorText(e), stack: e?.stack?.split('\n').slice(0, 6).join('\n') };
    log(`${o.id} ${o.backend} failed: ${errorText(e)}`);
  }
  writeFileSync(resultPath, JSON.stringify(result));
  delete globalThis.navigator; // dawn.node keeps Node alive while navigator.gpu is referenced
  process.exit(0);
}

// ---------------------------------------------------------------------------------------------
// Parent: children in turn, with timeouts, then the error figures and a table.

const started = Date.now();

function spawnChild(args, timeoutS, budgetS) {
  const left = budgetS - (Date.now() - started) / 1000;
  if (left < 5) return { error: 'skipped: no time left in --budget' };
  timeoutS = Math.floor(Math.min(timeoutS, left));
  const resultPath = resolve(os.tmpdir(), `webgpu-bench-${process.pid}-${Math.random().toString(36).slice(2)}.json`);
  const t0 = Date.now();
  const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), 'child', ...args, '--result', resultPath], {
    stdio: ['ignore', 'inherit', 'inherit'],
    timeout: timeoutS * 1000,
    killSignal: 'SIGKILL',
  });
  const wallS = round((Date.now() - t0) / 1000, 1);
  if (existsSync(resultPath)) {
    const j = JSON.parse(readFileSync(resultPath, 'utf8'));
    rmSync(resultPath, { force: true });
    return { ...j, wallS };
  }
  const why = r.error?.code === 'ETIMEDOUT' ? `timed out after ${timeoutS} s` : `exited with ${r.status ?? r.signal}`;
  return { error: `child ${why}`, wallS };
}

/** max|a-b| / max(max|b|, 1e-6): the parity measure of model/export.py (b = reference). */
function compare(got, ref) {
  const rows = [];
  for (const [name, r] of ref) {
    const g = got.get(name);
    if (!g) continue;
    if (g.data.length !== r.data.length) {
      rows.push({ name, error: `length ${g.data.length} vs ${r.data.length}` });
      continue;
    }
    let maxAbs = 0;
    let maxRef = 0;
    let nonFinite = 0;
    for (let i = 0; i < r.data.length; i++) {
      const a = g.data[i];
      const b = r.data[i];
      if (!Number.isFinite(a)) nonFinite++;
      const d = Math.abs(a - b);
      if (d > maxAbs || Number.isNaN(d)) maxAbs = Number.isNaN(d) ? Infinity : d;
      const m = Math.abs(b);
      if (m > maxRef) maxRef = m;
    }
    rows.push({ name, maxAbs, maxRef, rel: maxAbs / Math.max(maxRef, 1e-6), nonFinite });
  }
  return rows;
}

function topK(data, k) {
  return [...data.keys()].sort((a, b) => data[b] - data[a]).slice(0, k);
}

function correctness(gotDump, refDump, names) {
  if (!gotDump || !refDump) return null;
  const rows = compare(gotDump, refDump);
  if (!rows.length) return null;
  const logitsName = names[names.length - 1];
  const logits = rows.find((r) => r.name === logitsName) ?? null;
  const worst = rows.filter((r) => r.rel !== undefined).reduce((a, b) => (b.rel > a.rel ? b : a), rows[0]);
  const pick = [names[0], names[Math.floor(names.length / 2)], names[names.length - 2]];
  const g = gotDump.get(logitsName)?.data;
  const r = refDump.get(logitsName)?.data;
  const top = g && r ? { top1Same: topK(g, 1)[0] === topK(r, 1)[0], top5Same: topK(g, 5).join() === topK(r, 5).join() } : {};
  const fmt = (x) => x && { name: x.name, maxAbs: Number(x.maxAbs.toPrecision(3)), rel: Number(x.rel.toPrecision(3)), maxRef: Number(x.maxRef.toPrecision(4)), nonFinite: x.nonFinite };
  return {
    measure: 'max|a-b| / max|wasm| per output (model/export.py parity measure); reference: WASM, fp32',
    logits: fmt(logits),
    ...top,
    worst: fmt(worst),
    taps: pick.map((n) => fmt(rows.find((x) => x.name === n))).filter((x) => x),
    all: rows.map(fmt),
  };
}

async function run() {
  const dir = resolve(opt('model'));
  const model = readModel(dir);
  const id = opt('id', model.manifest?.id ?? basename(dir));
  const wasmDir = resolve(opt('wasm-model', dir));
  const runs = Number(opt('runs', 10));
  const warmup = Number(opt('warmup', 3));
  const threadList = opt('threads', '1,4').split(',').map(Number).filter((n) => n > 0);
  const timeoutS = Number(opt('child-timeout', 150));
  const budgetS = Number(opt('budget', Infinity));
  const variants = opt('variants', 'batched,all,logits,gpu');
  const names = model.manifest ? model.manifest.taps.map((t) => t.output ?? t.name) : [];
  const tmp = resolve(os.tmpdir(), `webgpu-bench-${process.pid}`);
  const common = ['--runs', String(runs), '--warmup', String(warmup), '--id', id];
  const result = {
    id,
    model: { dir, bytes: model.bytes.length, outputs: names.length || null, fp16Weights: model.manifest?.file?.fp16Weights ?? null, displayName: model.manifest?.displayName ?? null },
    wasmModel: wasmDir === dir ? null : wasmDir,
    runs,
    warmup,
    node: process.version,
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? null,
    webgpu: null,
    wasm: {},
    correctness: null,
  };
  if (!flag('no-webgpu')) {
    const args = ['--backend', 'webgpu', '--model', dir, '--variants', variants, '--gpu-threads', opt('gpu-threads', '4'), '--dump', `${tmp}-webgpu.bin`, ...common];
    if (opt('require-feature')) args.push('--require-feature', opt('require-feature'));
    result.webgpu = spawnChild(args, timeoutS, budgetS);
  }
  if (result.webgpu?.skipped) threadList.length = 0; // nothing to compare with
  for (const [i, t] of threadList.entries()) {
    const args = ['--backend', 'wasm', '--model', wasmDir, '--threads', String(t), ...common];
    if (i === 0) args.push('--dump', `${tmp}-wasm.bin`);
    result.wasm[t] = spawnChild(args, timeoutS, budgetS);
  }
  const names2 = names.length ? names : [...(readDump(`${tmp}-wasm.bin`)?.keys() ?? [])];
  result.correctness = correctness(readDump(`${tmp}-webgpu.bin`), readDump(`${tmp}-wasm.bin`), names2);
  for (const f of [`${tmp}-webgpu.bin`, `${tmp}-wasm.bin`]) {
    rmSync(f, { force: true });
    rmSync(`${f}.json`, { force: true });
  }
  const outPath = opt('out');
  if (outPath) writeFileSync(outPath, JSON.stringify(result, null, 1));
  console.log(table([result], null));
  process.exit(0);
}

// ---------------------------------------------------------------------------------------------
// Table and merge.

const ms = (x) => (x == null ? '–' : x >= 100 ? `${Math.round(x)} ms` : `${x.toFixed(1)} ms`);
const ratio = (a, b) => (a && b ? `×${(a / b).toFixed(2)}` : '');
const speedup = (wasm, gpu) => {
  if (!wasm || !gpu) return '';
  return wasm >= gpu ? `WebGPU ${(wasm / gpu).toFixed(2)}× faster` : `WebGPU ${(gpu / wasm).toFixed(2)}× slower`;
};
const sci = (x) => (x == null ? '–' : x.toExponential(1));

function table(results, native, probeInfo = null) {
  const lines = ['| model | figure | value | note |', '| --- | --- | --- | --- |'];
  const rb = probeInfo?.readbackMs;
  if (rb) lines.push(`| | one GPU→CPU read-back through dawn.node (4 KiB, copy + mapAsync) | ${rb.median} ms | min ${rb.min}, max ${rb.max} ms |`);
  for (const r of results) {
    const name = r.id;
    const w = r.webgpu;
    const gpuAll = w?.variants?.all?.median;
    // What the app does on WebGPU: the batched read-back where it was measured.
    const gpuApp = w?.variants?.batched?.median ?? gpuAll;
    if (w?.adapter && results.indexOf(r) === 0) lines.push(`| | WebGPU adapter | ${[w.adapter.vendor, w.adapter.architecture, w.adapter.description].filter((s) => s).join(' / ')} | shader-f16: ${w.adapter.features.includes('shader-f16') ? 'yes' : 'no'} |`);
    if (w?.skipped) lines.push(`| ${name} | WebGPU | skipped | ${w.skipped} |`);
    else if (w?.error) lines.push(`| ${name} | WebGPU | failed | ${w.error.replace(/\|/g, '/').slice(0, 160)} |`);
    else if (w) {
      if (w.variants?.batched) lines.push(`| ${name} | WebGPU session.run + all ${w.outputs} outputs in one batched read-back (app) | ${ms(w.variants.batched.median)} | first run ${ms(w.variants.batched.first)}, session create ${ms(w.batchedSessionCreateMs)}; ${gpuAll ? `×${(gpuAll / w.variants.batched.median).toFixed(2)} faster than onnxruntime's read-back` : ''} |`);
      lines.push(`| ${name} | WebGPU session.run, all ${w.outputs} outputs read back by onnxruntime (one map each) | ${ms(gpuAll)} | first run ${ms(w.variants?.all?.first)}, session create ${ms(w.sessionCreateMs)} |`);
      if (w.variants?.logits) lines.push(`| ${name} | WebGPU, only logits fetched | ${ms(w.variants.logits.median)} | taps cost ${ms(gpuAll - w.variants.logits.median)} |`);
      if (w.variants?.gpu) lines.push(`| ${name} | WebGPU, outputs left on GPU, logits getData() | ${ms(w.variants.gpu.median)} | |`);
      for (const [k, v] of Object.entries(w.errors ?? {})) lines.push(`| ${name} | WebGPU ${k} | failed | ${String(v).replace(/\|/g, '/').slice(0, 160)} |`);
    }
    for (const [t, v] of Object.entries(r.wasm ?? {})) {
      const label = r.wasmModel ? ` (${basename(r.wasmModel)})` : '';
      if (v.error) lines.push(`| ${name} | WASM ${t} thread(s)${label} | failed | ${v.error.slice(0, 160)} |`);
      else lines.push(`| ${name} | WASM ${t} thread(s)${label} | ${ms(v.all?.median)} | ${speedup(v.all?.median, gpuApp)} |`);
    }
    const nat = native?.models?.[r.nativeId ?? r.id];
    if (nat && !r.wasmModel) {
      for (const [t, v] of Object.entries(nat.threads ?? {})) {
        const wasm = r.wasm?.[t]?.all?.median;
        lines.push(`| ${name} | onnxruntime ${native.version} CPU, ${t} thread(s) (Python) | ${ms(v.median)} | ${wasm ? `WASM/native ${ratio(wasm, v.median)}` : ''}${gpuApp ? ` native/WebGPU ${ratio(v.median, gpuApp)}` : ''} |`);
      }
    }
    const c = r.correctness;
    if (c) {
      lines.push(`| ${name} | WebGPU vs WASM, logits | rel ${sci(c.logits?.rel)} | max abs ${sci(c.logits?.maxAbs)}, top-1 ${c.top1Same ? 'same' : 'DIFFERENT'}, top-5 ${c.top5Same ? 'same' : 'differs'} |`);
      lines.push(`| ${name} | WebGPU vs WASM, worst output | rel ${sci(c.worst?.rel)} | ${c.worst?.name}; ${c.taps.map((t) => `${t.name} ${sci(t.rel)}`).join(', ')} |`);
    }
  }
  return lines.join('\n');
}

function merge() {
  const outPath = opt('out');
  const files = argv.slice(1).filter((a, i, all) => !a.startsWith('--') && !(all[i - 1] ?? '').startsWith('--'));
  const all = { generated: new Date().toISOString(), runs: [], native: null, extra: {} };
  for (const f of files) {
    if (!existsSync(f)) continue;
    let j;
    try {
      j = JSON.parse(readFileSync(f, 'utf8'));
    } catch (e) {
      all.extra[basename(f)] = { error: errorText(e) };
      continue;
    }
    if (j.kind === 'native') all.native = j;
    else if (j.id && ('webgpu' in j || 'wasm' in j)) all.runs.push(j);
    else all.extra[basename(f, '.json')] = j;
  }
  const rank = (id) => [id.replace(/-fp16(-compute)?$/, ''), id.endsWith('-fp16-compute') ? 2 : id.endsWith('-fp16') ? 1 : 0];
  all.runs.sort((a, b) => {
    const [fa, ra] = rank(a.id);
    const [fb, rb] = rank(b.id);
    return fa === fb ? ra - rb : fa < fb ? -1 : 1;
  });
  let text = table(all.runs, all.native, all.extra.probe);
  const notes = [];
  const src = all.extra['tiny-source'];
  const exp = all.extra['tiny-export'];
  if (exp) notes.push(`Tiny export with model/export.py: ${exp.tinyExport?.rc === 0 ? 'ok' : `failed (rc ${exp.tinyExport?.rc}), see export-tiny.log`}.`);
  if (src) notes.push(`Tiny measured on: ${src.tinySource === 'skeleton' ? 'the skeleton (same graph, seeded weights: speed and WebGPU-vs-WASM only)' : 'the model exported here'}.`);
  if (all.native?.error) notes.push(`Native onnxruntime: ${all.native.error}.`);
  else if (all.native) notes.push(`Native: onnxruntime ${all.native.version}, Python ${all.native.python}, ${all.native.cores} cores (${all.native.cpu}).`);
  const fp16 = all.runs.filter((r) => r.id.endsWith('-fp16-compute') && r.correctness);
  if (fp16.length) notes.push('fp16-compute rows compare float16 WebGPU with the float32 model on WASM.');
  if (notes.length) text += `\n\n${notes.join('\n')}`;
  all.table = text;
  if (outPath) writeFileSync(outPath, JSON.stringify(all, null, 1));
  console.log(text);
}

if (mode === 'probe') await probe();
else if (mode === 'child') await child();
else if (mode === 'run') await run();
else if (mode === 'merge') merge();
else {
  console.error('usage: webgpu-bench.mjs probe | run --model DIR [...] | merge --out FILE a.json ...');
  process.exit(2);
}
