#!/usr/bin/env node
// onnxruntime-web's WebGPU execution provider under plain Node, with navigator.gpu from
// Dawn's Node bindings (the `webgpu` npm package: dawn.node, Chromium's own WebGPU
// implementation), next to onnxruntime-web's WASM backend in the same Node. Made to measure
// a real GPU on a machine where Chromium cannot go (see bench/gpu/README.md).
//
//   node webgpu-bench.mjs probe                       adapter info as JSON (exit 3: no adapter)
//   node webgpu-bench.mjs run --model DIR [options]   one model: WebGPU + WASM + correctness
//   node webgpu-bench.mjs camera --model DIR [...]    the live camera's rate (camera-loop.mjs)
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
// GPU_DAWN_FLAGS (comma-separated flags for dawn.node's create(), e.g. backend=vulkan),
// GPU_READBACK (the compiled gpuReadback.js). What the scripts share is in node-common.mjs.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { basename, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { cameraChild, cameraRun, cameraTable } from './camera-loop.mjs';
import {
  adapterSummary, correctness, DAWN_FLAGS, disposeAll, errorText, inputData, inputSpec, log, median, ORT_DIR, outputNames, READBACK,
  readDump, readModel, round, setupFileFetch, setupWebGpu, spawnChild, threadsInProcess, timeRuns, writeDump,
} from './node-common.mjs';

const argv = process.argv.slice(2);
const mode = argv[0];
const opt = (name, fallback) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < argv.length ? argv[i + 1] : fallback;
};
const flag = (name) => argv.includes(`--${name}`);

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

function benchChild() {
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
  const model = readModel(opt('model'));
  return o.backend === 'webgpu' ? childWebGpu(model, o) : childWasm(model, o);
}

/** A child process's one job (`run`'s figures or the camera loop); its result or its error goes where the parent reads it. */
async function child(work) {
  const backend = opt('backend');
  const id = opt('id', 'model');
  let result;
  try {
    // A stand-in for a hung driver, to test the timeouts: GPU_TEST_HANG=webgpu|wasm.
    if (process.env.GPU_TEST_HANG === backend) await new Promise(() => setInterval(() => {}, 1000));
    result = await work();
  } catch (e) {
    result = { backend, error: errorText(e), stack: e?.stack?.split('\n').slice(0, 6).join('\n') };
    log(`${id} ${backend} failed: ${errorText(e)}`);
  }
  writeFileSync(opt('result'), JSON.stringify(result));
  delete globalThis.navigator; // dawn.node keeps Node alive while navigator.gpu is referenced
  process.exit(0);
}

// ---------------------------------------------------------------------------------------------
// Parent: children in turn, with timeouts, then the error figures and a table.

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

function table(results, native, probeInfo = null, camera = []) {
  const lines = ['| model | figure | value | note |', '| --- | --- | --- | --- |'];
  const rb = probeInfo?.readbackMs;
  if (rb) lines.push(`| | one GPU→CPU read-back through dawn.node (4 KiB, copy + mapAsync) | ${rb.median} ms | min ${rb.min}, max ${rb.max} ms |`);
  // The adapter once, from the first result that has one (camera runs only: the camera's).
  const a = [...results, ...camera].find((r) => r.webgpu?.adapter)?.webgpu.adapter;
  if (a) lines.push(`| | WebGPU adapter | ${[a.vendor, a.architecture, a.description].filter((s) => s).join(' / ')} | shader-f16: ${a.features.includes('shader-f16') ? 'yes' : 'no'} |`);
  for (const r of results) {
    const name = r.id;
    const w = r.webgpu;
    const gpuAll = w?.variants?.all?.median;
    // What the app does on WebGPU: the batched read-back where it was measured.
    const gpuApp = w?.variants?.batched?.median ?? gpuAll;
    if (w?.skipped) lines.push(`| ${name} | WebGPU | skipped | ${w.skipped} |`);
    else if (w?.error) lines.push(`| ${name} | WebGPU | failed | ${w.error.replace(/\|/g, '/').slice(0, 160)} |`);
    else if (w) {
      if (w.variants?.batched) lines.push(`| ${name} | WebGPU session.run + all ${w.outputs} outputs in one batched read-back (app) | ${ms(w.variants.batched.median)} | first run ${ms(w.variants.batched.first)}, session create ${ms(w.batchedSessionCreateMs)}${gpuAll ? `; ×${(gpuAll / w.variants.batched.median).toFixed(2)} faster than onnxruntime's read-back` : ''} |`);
      if (w.variants?.all) lines.push(`| ${name} | WebGPU session.run, all ${w.outputs} outputs read back by onnxruntime (one map each) | ${ms(gpuAll)} | first run ${ms(w.variants.all.first)}, session create ${ms(w.sessionCreateMs)} |`);
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
  lines.push(...cameraTable(camera));
  return lines.join('\n');
}

function merge() {
  const outPath = opt('out');
  const files = argv.slice(1).filter((a, i, all) => !a.startsWith('--') && !(all[i - 1] ?? '').startsWith('--'));
  const all = { generated: new Date().toISOString(), runs: [], camera: [], native: null, extra: {} };
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
    else if (j.kind === 'camera') all.camera.push(j);
    else if (j.id && ('webgpu' in j || 'wasm' in j)) all.runs.push(j);
    else all.extra[basename(f, '.json')] = j;
  }
  const rank = (id) => [id.replace(/-fp16(-compute)?$/, ''), id.endsWith('-fp16-compute') ? 2 : id.endsWith('-fp16') ? 1 : 0];
  all.runs.sort((a, b) => {
    const [fa, ra] = rank(a.id);
    const [fb, rb] = rank(b.id);
    return fa === fb ? ra - rb : fa < fb ? -1 : 1;
  });
  let text = table(all.runs, all.native, all.extra.probe, all.camera);
  const notes = [];
  const src = all.extra['tiny-source'];
  const exp = all.extra['tiny-export'];
  if (exp) notes.push(`Tiny export with model/export.py: ${exp.tinyExport?.rc === 0 ? 'ok' : `failed (rc ${exp.tinyExport?.rc}), see export-tiny.log`}.`);
  if (src) notes.push(`Tiny measured on: ${src.tinySource === 'skeleton' ? 'the skeleton (same graph, seeded weights: speed and WebGPU-vs-WASM only)' : 'the model exported here'}.`);
  if (all.native?.error) notes.push(`Native onnxruntime: ${all.native.error}.`);
  else if (all.native) notes.push(`Native: onnxruntime ${all.native.version}, Python ${all.native.python}, ${all.native.cores} cores (${all.native.cpu}).`);
  const fp16 = all.runs.filter((r) => r.id.endsWith('-fp16-compute') && r.correctness);
  if (fp16.length) notes.push('fp16-compute rows compare float16 WebGPU with the float32 model on WASM.');
  if (all.camera.length) notes.push("Camera rows: the app's per-frame code in a loop in one Node process (no browser, capture or compositor; the page's paint is not overlapped with the next run), see bench/gpu/README.md.");
  if (notes.length) text += `\n\n${notes.join('\n')}`;
  all.table = text;
  if (outPath) writeFileSync(outPath, JSON.stringify(all, null, 1));
  console.log(text);
}

if (mode === 'probe') await probe();
else if (mode === 'child') await child(benchChild);
else if (mode === 'camera') await cameraRun(argv);
else if (mode === 'camera-child') await child(() => cameraChild(argv));
else if (mode === 'run') await run();
else if (mode === 'merge') merge();
else {
  console.error('usage: webgpu-bench.mjs probe | run --model DIR [...] | camera --model DIR [...] | merge --out FILE a.json ...');
  process.exit(2);
}
