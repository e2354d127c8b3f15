// What bench/gpu's Node scripts share (webgpu-bench.mjs and camera-loop.mjs): where
// onnxruntime-web and dawn.node are, the Node stand-ins for what a page gives onnxruntime-web's
// WebGPU build, the child processes with their timeouts, the timing helpers and the parity
// measure. No side effects on import beyond reading the environment.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = import.meta.dirname;
export const root = resolve(here, '../..');
export const ORT_DIR = resolve(process.env.GPU_ORT_DIR ?? resolve(root, 'node_modules/onnxruntime-web/dist'));
const WEBGPU_DIR = resolve(process.env.GPU_WEBGPU_DIR ?? resolve(root, '.gpu/webgpu'));
// The app's read-back, compiled from src/worker/gpuReadback.ts by prepare.sh.
export const READBACK = resolve(process.env.GPU_READBACK ?? resolve(root, '.gpu/app/gpuReadback.js'));
export const DAWN_FLAGS = (process.env.GPU_DAWN_FLAGS ?? '').split(',').filter((s) => s);

export const log = (...a) => console.error('[webgpu-bench]', ...a);

export const median = (xs) => {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
export const round = (x, d = 2) => (x == null || !Number.isFinite(x) ? x : Number(x.toFixed(d)));
const stats = (times) => ({ median: round(median(times)), min: round(Math.min(...times)), max: round(Math.max(...times)), times: times.map((t) => round(t)) });
export const errorText = (e) => (e instanceof Error ? `${e.message}` : String(e));

/** The model's input and outputs: from manifest.json (the app's own contract), else from the file. */
export function readModel(dir) {
  const file = resolve(dir, 'model.onnx');
  const manifestPath = resolve(dir, 'manifest.json');
  const manifest = existsSync(manifestPath) ? JSON.parse(readFileSync(manifestPath, 'utf8')) : null;
  return { dir, file, bytes: readFileSync(file), manifest };
}

export function inputData(shape) {
  // Same deterministic, photo-like input as bench/run.mjs and bench/bare.worker.ts.
  const size = shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(size);
  for (let i = 0; i < size; i++) data[i] = Math.sin(i * 0.37) * 1.5;
  return data;
}

export function inputSpec(model, session) {
  if (model.manifest) return { name: model.manifest.input.name, shape: model.manifest.input.shape };
  const meta = session.inputMetadata?.[0];
  const shape = meta?.shape?.map((d) => (typeof d === 'number' ? d : 1)) ?? [1, 3, 224, 224];
  return { name: session.inputNames[0], shape };
}

export function outputNames(model, session) {
  if (model.manifest) return model.manifest.taps.map((t) => t.output ?? t.name);
  return [...session.outputNames];
}

export function threadsInProcess() {
  try {
    return readdirSync('/proc/self/task').length;
  } catch {
    return null;
  }
}

/** Raw float32 dump of every output (in order) + an index, for the parent to compare. */
export function writeDump(path, results, names) {
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

export function readDump(path) {
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

export async function setupWebGpu() {
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
export function setupFileFetch() {
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

export function adapterSummary(adapter) {
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

export async function timeRuns(label, warmup, runs, once) {
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

export function disposeAll(results) {
  for (const t of Object.values(results ?? {})) t.dispose?.();
}

// ---------------------------------------------------------------------------------------------
// Children in their own process, each with a timeout inside one budget for them all.

const started = Date.now();
const BENCH = fileURLToPath(new URL('./webgpu-bench.mjs', import.meta.url));

/** `webgpu-bench.mjs MODE ...args` (MODE: child or camera-child) with a timeout, inside `budgetS` from this process's start. */
export function spawnChild(args, timeoutS, budgetS, mode = 'child') {
  const left = budgetS - (Date.now() - started) / 1000;
  if (left < 5) return { error: 'skipped: no time left in --budget' };
  timeoutS = Math.floor(Math.min(timeoutS, left));
  const resultPath = resolve(os.tmpdir(), `webgpu-bench-${process.pid}-${Math.random().toString(36).slice(2)}.json`);
  const t0 = Date.now();
  const r = spawnSync(process.execPath, [BENCH, mode, ...args, '--result', resultPath], {
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
export function compare(got, ref) {
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

export function correctness(gotDump, refDump, names) {
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
