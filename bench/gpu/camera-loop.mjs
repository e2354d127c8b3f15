// The live camera's sustained frame rate on one machine, without a browser: the app's own
// per-frame code (bench/gpu/cameraFrame.ts, bundled by prepare.sh into .gpu/app/) run in a loop
// over the e2e tests' camera video, in one Node process per backend, next to the bare run of the
// same session. Started through webgpu-bench.mjs:
//
//   node webgpu-bench.mjs camera --model DIR [options]   WebGPU, then WASM per thread count
//
// options:
//   --frames N --warmup-frames N   frames timed, after frames not timed (default 500 and 100)
//   --bare-runs N --warmup N       bare runs before and after the loop, each (default 20 and 3)
//   --threads 4                    WASM thread counts, one child each (0 or none: no WASM)
//   --gpu-threads N                env.wasm.numThreads beside WebGPU (default 4, as the app)
//   --no-webgpu  --no-mirror       (the app mirrors a camera that does not face away: default on)
//   --video FILE                   .y4m or .y4m.xz (default GPU_CAMERA_VIDEO, else .gpu/camera/)
//   --child-timeout S --budget S --out FILE   as for `run`
// Environment: GPU_CAMERA_APP (the bundle, default .gpu/app/cameraFrame.js), and webgpu-bench's.
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { basename, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  adapterSummary, correctness, inputData, log, median, ORT_DIR, readDump, readModel, root, round, setupFileFetch, setupWebGpu,
  spawnChild, threadsInProcess, timeRuns, writeDump,
} from './node-common.mjs';

const APP = resolve(process.env.GPU_CAMERA_APP ?? resolve(root, '.gpu/app/cameraFrame.js'));
const VIDEO = process.env.GPU_CAMERA_VIDEO ?? resolve(root, '.gpu/camera/camera-coffee-chelsea.y4m.xz');

const options = (argv) => ({
  opt: (name, fallback) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 && i + 1 < argv.length ? argv[i + 1] : fallback;
  },
  flag: (name) => argv.includes(`--${name}`),
});

const LZMA = 'import lzma, sys; sys.stdout.buffer.write(lzma.open(sys.argv[1]).read())';

function readVideo(app, file) {
  let bytes = file.endsWith('.xz') ? null : readFileSync(file);
  // .xz: the system's xz, as device-run.sh unpacks, else Python's lzma.
  for (const [cmd, ...args] of [['xz', '-dc', file], ['python3', '-c', LZMA, file]]) {
    if (bytes) break;
    const r = spawnSync(cmd, args, { maxBuffer: 1 << 30 });
    if (r.status === 0) bytes = r.stdout;
  }
  if (!bytes) throw new Error(`cannot unpack ${file} (neither xz nor python3 worked)`);
  return app.readY4m(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
}

/** onnxruntime-web's build for the backend, set up as webgpu-bench's children set it, and a session with the app's settings. */
async function openSession(app, backend, threads, bytes) {
  setupFileFetch();
  let adapter = null;
  if (backend === 'webgpu') {
    const gpu = await setupWebGpu();
    adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
    if (!adapter) throw new Error('navigator.gpu.requestAdapter() gave no adapter');
  }
  const ort = await import(pathToFileURL(resolve(ORT_DIR, backend === 'webgpu' ? 'ort.webgpu.min.mjs' : 'ort.wasm.min.mjs')).href);
  ort.env.logLevel = 'error';
  ort.env.wasm.numThreads = threads;
  ort.env.wasm.wasmBinary = readFileSync(resolve(ORT_DIR, backend === 'webgpu' ? 'ort-wasm-simd-threaded.asyncify.wasm' : 'ort-wasm-simd-threaded.wasm'));
  if (adapter) {
    ort.env.webgpu.powerPreference = 'high-performance';
    ort.env.webgpu.adapter = adapter;
  }
  const t0 = performance.now();
  const session = await ort.InferenceSession.create(bytes, app.sessionOptions(backend));
  return { ort, session, adapter, createMs: performance.now() - t0 };
}

/** webgpu-bench's "batched" figure on WebGPU (run + one read-back of every output), session.run of every output on WASM. */
function bareRun(app, ort, session, manifest, backend) {
  const { name, shape } = manifest.input;
  const feeds = { [name]: new ort.Tensor('float32', inputData(shape), shape) };
  const names = manifest.taps.map((t) => t.output ?? t.name);
  return async () => {
    const s = performance.now();
    const r = await session.run(feeds);
    if (backend === 'webgpu') {
      const device = await ort.env.webgpu.device;
      await app.readBackAll(device, names.map((n) => ({ buffer: r[n].gpuBuffer, byteLength: r[n].size * 4 })));
    }
    const t = performance.now() - s;
    for (const v of Object.values(r)) v.dispose();
    return t;
  };
}

export async function cameraChild(argv) {
  const { opt, flag } = options(argv);
  const started = performance.now();
  const backend = opt('backend');
  const threads = Number(backend === 'webgpu' ? opt('gpu-threads', 4) : opt('threads', 1));
  const id = opt('id', 'model');
  const frames = Number(opt('frames', 500));
  const warmupFrames = Number(opt('warmup-frames', 100));
  const bareRuns = Number(opt('bare-runs', 20));
  const warmup = Number(opt('warmup', 3));
  // Past this, the loop stops early and says so, rather than lose everything to the parent's kill.
  const softLimitMs = Number(opt('time-limit', 1e9)) * 1000;
  const late = () => performance.now() - started > softLimitMs;
  const mirror = !flag('no-mirror');
  const model = readModel(opt('model'));
  if (!model.manifest) throw new Error(`${model.dir} has no manifest.json: the camera loop needs the app's manifest`);
  const manifest = model.manifest;
  const app = await import(pathToFileURL(APP).href);
  const video = readVideo(app, opt('video', VIDEO));
  const { ort, session, adapter, createMs } = await openSession(app, backend, threads, model.bytes);
  const info = adapter ? adapterSummary(adapter) : null;
  const s = { ort, session, manifest, backend: app.backendInfo(backend, threads, info && [info.vendor, info.architecture, info.description].filter((x) => x).join(' ')) };
  const view = app.firstView(manifest);
  const label = `${id} camera ${backend}${backend === 'wasm' ? ` ${threads} thread(s)` : ''}`;
  const out = { backend, ort: ort.env.versions?.web ?? null, adapter: info, numThreads: threads, sessionCreateMs: round(createMs), outputs: manifest.taps.length, mirror };
  out.video = { width: video.width, height: video.height, frames: video.frames.length };
  out.view = { layer: view.selectedTap, first: view.firstChannel, count: view.channelCount, colormap: view.colormap, normalisation: view.normalisation, sortKey: view.sortKey, hideDead: view.hideDead };

  const bare = bareRun(app, ort, session, manifest, backend);
  out.bareBefore = await timeRuns(`${label}: bare`, warmup, bareRuns, bare);

  const split = { pixelsMs: [], preprocessMs: [], runMs: [], paintMs: [], frameMs: [] };
  let from = 0;
  let measured = 0;
  for (let i = 0; i < warmupFrames + frames && !late(); i++) {
    if (i === warmupFrames) from = performance.now();
    const f = await app.cameraFrame(s, video, i, mirror, view);
    out.tiles = f.tiles;
    if (i < warmupFrames) continue;
    measured++;
    for (const k of ['pixelsMs', 'preprocessMs', 'runMs', 'paintMs']) split[k].push(f.times[k]);
    split.frameMs.push(f.times.pixelsMs + f.times.preprocessMs + f.times.runMs + f.times.paintMs);
  }
  const wallMs = measured ? performance.now() - from : 0;
  out.frames = { warmup: warmupFrames, measured, asked: frames, cutShort: measured < frames };
  out.loopS = round(wallMs / 1000, 2);
  out.fps = measured ? round((measured * 1000) / wallMs, 2) : null;
  out.split = Object.fromEntries(Object.entries(split).map(([k, v]) => [k, round(median(v), 2)]));
  // Wall time per frame beyond the mean of the four steps: the loop itself and what runs between steps (GC).
  const meanFrame = split.frameMs.reduce((x, y) => x + y, 0) / Math.max(1, measured);
  out.meanFrameMs = round(meanFrame, 2);
  out.outsideStepsMs = measured ? round(wallMs / measured - meanFrame, 2) : null;
  out.splitP95 = Object.fromEntries(Object.entries(split).map(([k, v]) => [k, round([...v].sort((a, b) => a - b)[Math.floor(v.length * 0.95)] ?? null, 2)]));
  log(`${label}: ${out.fps} fps over ${measured} frames (${out.loopS} s); median pixels ${out.split.pixelsMs} / preprocess ${out.split.preprocessMs} / run ${out.split.runMs} / paint ${out.split.paintMs} ms`);

  if (!late()) out.bareAfter = await timeRuns(`${label}: bare, after the loop`, 0, bareRuns, bare);
  const bareTimes = [...out.bareBefore.times, ...(out.bareAfter?.times ?? [])];
  out.bare = { median: round(median(bareTimes), 2), runs: bareTimes.length };
  out.ratioBare = out.fps && round(out.fps / (1000 / out.bare.median), 3);
  out.ratioOwnRun = out.fps && round(out.fps / (1000 / out.split.runMs), 3);

  // The taps of video frame 0 for WebGPU-vs-WASM, and how far frame 0 (espresso) is from the
  // middle frame (cat): the loop runs the model on the video, not on one input.
  const first = await app.cameraFrame(s, video, 0, mirror, view);
  const middle = await app.cameraFrame(s, video, video.frames.length >> 1, mirror, view);
  const head = manifest.taps.findLastIndex((t) => t.kind === 'logits');
  // Frame 0 brings every tap, later frames a few (src/camera/frameTaps.ts): the logits by name.
  const [a, b] = [first, middle].map((f) => f.taps.find((t) => t.name === manifest.taps.at(head).name).data);
  let d = 0;
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    d = Math.max(d, Math.abs(a[i] - b[i]));
    m = Math.max(m, Math.abs(a[i]));
  }
  out.subjectsDiffer = { tap: manifest.taps.at(head).name, rel: Number((d / Math.max(m, 1e-6)).toPrecision(3)) };
  const dump = opt('dump');
  if (dump) writeDump(dump, Object.fromEntries(first.taps.map((t) => [t.name, t])), first.taps.map((t) => t.name));
  out.processThreads = threadsInProcess();
  await session.release();
  return out;
}

export async function cameraRun(argv) {
  const { opt, flag } = options(argv);
  const dir = resolve(opt('model'));
  const model = readModel(dir);
  const id = opt('id', model.manifest?.id ?? basename(dir));
  const threadList = opt('threads', '4').split(',').map(Number).filter((n) => n > 0);
  const timeoutS = Number(opt('child-timeout', 150));
  const budgetS = Number(opt('budget', Infinity));
  const tmp = resolve(os.tmpdir(), `webgpu-bench-camera-${process.pid}`);
  const pass = ['frames', 'warmup-frames', 'bare-runs', 'warmup', 'video'].flatMap((k) => (opt(k) === undefined ? [] : [`--${k}`, opt(k)]));
  const common = ['--model', dir, '--id', id, '--time-limit', String(Math.max(5, timeoutS - 20)), ...pass, ...(flag('no-mirror') ? ['--no-mirror'] : [])];
  const result = { kind: 'camera', id, model: { dir, outputs: model.manifest?.taps.length ?? null }, node: process.version, cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? null, webgpu: null, wasm: {}, correctness: null };
  if (!flag('no-webgpu')) result.webgpu = spawnChild(['--backend', 'webgpu', '--gpu-threads', opt('gpu-threads', '4'), '--dump', `${tmp}-webgpu.bin`, ...common], timeoutS, budgetS, 'camera-child');
  for (const [i, t] of threadList.entries()) {
    result.wasm[t] = spawnChild(['--backend', 'wasm', '--threads', String(t), ...(i === 0 ? ['--dump', `${tmp}-wasm.bin`] : []), ...common], timeoutS, budgetS, 'camera-child');
  }
  const names = model.manifest?.taps.map((t) => t.name) ?? [];
  result.correctness = correctness(readDump(`${tmp}-webgpu.bin`), readDump(`${tmp}-wasm.bin`), names);
  if (result.correctness) result.correctness.input = 'video frame 0 through the app pipeline (pixels, mirror, preprocess)';
  for (const f of [`${tmp}-webgpu.bin`, `${tmp}-wasm.bin`]) {
    rmSync(f, { force: true });
    rmSync(`${f}.json`, { force: true });
  }
  const outPath = opt('out');
  if (outPath) writeFileSync(outPath, JSON.stringify(result, null, 1));
  console.log(['| model | figure | value | note |', '| --- | --- | --- | --- |', ...cameraTable([result])].join('\n'));
}

const ms = (x) => (x == null ? '–' : x >= 100 ? `${Math.round(x)}` : x.toFixed(1));
const sci = (x) => (x == null ? '–' : x.toExponential(1));

/** Rows for device-run.sh's summary table (its header is webgpu-bench.mjs's). */
export function cameraTable(results) {
  const lines = [];
  for (const r of results) {
    const rows = [['WebGPU', r.webgpu], ...Object.entries(r.wasm ?? {}).map(([t, v]) => [`WASM ${t} thread(s)`, v])];
    for (const [what, c] of rows) {
      if (!c) continue;
      if (c.error) {
        lines.push(`| ${r.id} | camera loop, ${what} | failed | ${c.error.replace(/\|/g, '/').slice(0, 160)} |`);
        continue;
      }
      const f = c.frames;
      const video = `${c.video.width}×${c.video.height} y4m${c.mirror ? ', mirrored' : ''}`;
      lines.push(`| ${r.id} | camera loop in Node (${video}), ${what}: sustained rate, frames ${f.warmup} → ${f.warmup + f.measured}${f.cutShort ? ' (cut short)' : ''} | **${c.fps} fps** | ×${c.ratioBare} of 1000 / bare (${ms(c.bare.median)} ms, same process); ×${c.ratioOwnRun} of the frames' own run |`);
      const s = c.split;
      lines.push(`| ${r.id} | … per frame: pixels (BT.601 stand-in) + mirror / preprocess / run + taps / paint (${c.tiles} tiles of ${c.view.layer}) | ${ms(s.pixelsMs)} / ${ms(s.preprocessMs)} / ${ms(s.runMs)} / ${ms(s.paintMs)} ms | frame mean ${ms(c.meanFrameMs)}, p95 ${ms(c.splitP95.frameMs)} ms; ${c.subjectsDiffer?.tap} espresso vs cat rel ${sci(c.subjectsDiffer?.rel)} |`);
    }
    const k = r.correctness;
    if (k) lines.push(`| ${r.id} | camera frame 0, WebGPU vs WASM, worst tap | rel ${sci(k.worst?.rel)} | logits rel ${sci(k.logits?.rel)}, top-5 ${k.top5Same ? 'same' : 'differs'}; ${k.worst?.name} |`);
  }
  return lines;
}
