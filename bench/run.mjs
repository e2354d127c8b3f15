#!/usr/bin/env node
// `npm run bench`: builds the app (plus a bare-runtime page), serves it with COOP/COEP,
// drives Debian's Chromium with Playwright and prints every figure with its ratio and
// target. Writes bench/results.json (ignored by git).
//   --quick       fewer runs (numbers are rough)
//   --smoke       every section once on the smallest settings (npm test runs it)
//   --no-build    reuse dist-bench/
//   --models a,b  model ids (default: convnext-atto-untrained,convnext-tiny-untrained)
//   --occlusion-only  only the Why view's occlusion against bare runs (first model)
//   --examples-only  only the Examples view (first model): its rate on 100 photos between two
//                 bare runs, and (without --quick) its memory on 1000
//   --camera-only the bare run and the live camera section only (committed model)
//   --camera-fps N  the fake camera's frame rate (default: Chromium's own, 20): it must be
//                 faster than the model, or the rate measured is the camera's
//   --no-peer     leave out the transformers.js comparison
//   --no-checkpoints  leave out the checkpoints built in the page
//   --static      serve dist-bench/ with a plain Node server instead of `vite preview` (a
//                 machine with only Node, Chromium and Playwright; use with --no-build)
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { resolve } from 'node:path';
import { chromium } from '@playwright/test';
import { appRun, occlusionRun } from './appRun.mjs';
import { bareRun, nativeRun, variantRuns } from './bareRuns.mjs';
import { cameraRun } from './cameraRun.mjs';
import { checkpointAppRun, checkpointCreateRuns, stageCheckpoints } from './checkpointRun.mjs';
import { examplesRun } from './examplesRun.mjs';
import { explainRun } from './explainRun.mjs';
import { filtersRun } from './filtersRun.mjs';
import { CAMERA_MODEL, CHROMIUM, CHROMIUM_ARGS, ISOLATION, OCCLUSION, fmt, log, machine, opts, root } from './lib.mjs';
import { peerRun, stagePeer } from './peerRun.mjs';
import { printTable, reportRows } from './report.mjs';
import { serveStatic } from './staticServer.mjs';

function ensureModel(id) {
  const dir = resolve(root, 'public/models', id);
  if (existsSync(resolve(dir, 'model.onnx'))) return dir;
  const cache = resolve(root, 'model/.cache', id);
  if (!existsSync(resolve(cache, 'model.onnx'))) {
    const arch = id.startsWith('convnext-tiny') ? 'convnext_tiny' : id.startsWith('convnext-atto') ? 'convnext_atto' : null;
    if (!arch) throw new Error(`unknown bench model ${id}`);
    log(`exporting ${id} with model/export.py (untrained, not committed)…`);
    execFileSync('/usr/bin/python3', ['model/export.py', '--arch', arch, '--out', cache, '--id', id, '--no-golden', '--reference-dir', resolve(root, 'model/.reference', id)], { cwd: root, stdio: 'inherit' });
  }
  return cache;
}

function build() {
  log('building the app and the bare-runtime page (vite build -c vite.bench.config.ts)…');
  execFileSync('npx', ['vite', 'build', '-c', 'vite.bench.config.ts', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
}

function stageModels() {
  const index = { default: opts.modelIds[0], models: [] };
  for (const id of opts.modelIds) {
    const src = ensureModel(id);
    const dst = resolve(root, 'dist-bench/models', id);
    mkdirSync(dst, { recursive: true });
    cpSync(resolve(src, 'model.onnx'), resolve(dst, 'model.onnx'));
    cpSync(resolve(src, 'manifest.json'), resolve(dst, 'manifest.json'));
    const m = JSON.parse(readFileSync(resolve(src, 'manifest.json'), 'utf8'));
    index.models.push({ id, displayName: m.displayName, manifest: `${id}/manifest.json`, trained: m.trained, bytes: m.file.bytes });
  }
  writeFileSync(resolve(root, 'dist-bench/models/index.json'), JSON.stringify(index, null, 2));
}

async function serve() {
  if (opts.staticServer) return serveStatic(resolve(root, 'dist-bench'), opts.port, ISOLATION);
  const server = spawn(process.execPath, [resolve(root, 'node_modules/vite/bin/vite.js'), 'preview', '-c', 'vite.bench.config.ts', '--port', String(opts.port), '--strictPort', '--host', '127.0.0.1'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${opts.port}/`)).ok) return server;
    } catch {}
    await new Promise((r) => setTimeout(r, 200));
  }
  server.kill();
  throw new Error('vite preview did not start');
}

const readManifest = (id) => JSON.parse(readFileSync(resolve(root, 'dist-bench/models', id, 'manifest.json'), 'utf8'));

/** The bare run again in the camera's own browser, right before and after the camera: this VM's speed drifts by ±10 % over minutes. */
async function cameraSection(browser, manifest, id) {
  const camBrowser = await chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_ARGS, opts.cameraFps ? `--use-fake-device-for-media-stream=fps=${opts.cameraFps}` : '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'] });
  try {
    const bareMedian = async () => {
      const context = await camBrowser.newContext({ viewport: { width: 1280, height: 800 } });
      try {
        return (await bareRun(context, manifest, id)).median;
      } finally {
        await context.close();
      }
    };
    const bareBefore = await bareMedian();
    const camera = await cameraRun(camBrowser, id);
    return { ...camera, bareBefore, bareAfter: await bareMedian() };
  } finally {
    await camBrowser.close();
  }
}

async function modelSection(browser, id, native) {
  const manifest = readManifest(id);
  const dir = resolve(root, 'dist-bench/models', id);
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  log(`${id}: bare onnxruntime-web…`);
  const bare = await bareRun(context, manifest, id);
  const variants = opts.cameraOnly || (opts.quick && !opts.smoke) ? {} : await variantRuns(context, manifest, id, dir);
  if (!opts.cameraOnly) log(`${id}: the app…`);
  const app = opts.cameraOnly ? null : await appRun(context, manifest, id);
  const filters = opts.cameraOnly ? null : await filtersRun(context, manifest, id);
  const explain = opts.cameraOnly ? null : await explainRun(context, manifest, id);
  await context.close();
  let occlusion = null;
  if (id === opts.modelIds[0] && !opts.cameraOnly) {
    // A fresh context: the app's service worker (registered above) would answer bench/bare.html with the app.
    log(`${id}: occlusion (${OCCLUSION.count} inputs)…`);
    const occlusionContext = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    occlusion = await occlusionRun(occlusionContext, manifest, id);
    await occlusionContext.close();
  }
  // The Examples view on the first model only (its 1000-photo pass takes minutes).
  const examples = id === opts.modelIds[0] && !opts.cameraOnly ? await examplesRun(browser, id, manifest) : null;
  let camera = null;
  if (id === CAMERA_MODEL) {
    log(`${id}: live camera (fake device)…`);
    camera = await cameraSection(browser, manifest, id);
  }
  return { modelBytes: manifest.file.bytes, taps: manifest.taps.length, ...native, bare, variants, app, filters, explain, examples, occlusion, camera };
}

async function main() {
  if (!opts.noBuild || !existsSync(resolve(root, 'dist-bench/index.html'))) build();
  stageModels();
  if (opts.occlusionOnly) return occlusionOnlyMain();
  if (opts.examplesOnly) return examplesOnlyMain();
  const peer = opts.cameraOnly || opts.noPeer ? null : stagePeer();
  const checkpoints = opts.cameraOnly || opts.noCheckpoints ? null : stageCheckpoints();
  // Native first, before the server and the browser exist: Chromium's start-up and idle work
  // once took a core from onnxruntime-node and doubled its time. The camera-only report has none.
  const natives = {};
  for (const id of opts.cameraOnly ? [] : opts.modelIds) {
    log(`${id}: onnxruntime-node…`);
    const dir = resolve(root, 'dist-bench/models', id);
    const manifest = readManifest(id);
    natives[id] = { native: await nativeRun(dir, manifest, Math.min(4, os.cpus().length)), native1: await nativeRun(dir, manifest, 1) };
  }
  const server = await serve();
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  const results = { date: new Date().toISOString(), machine: machine(), runs: opts.runs, warmup: opts.warmup, models: {}, peer: null, checkpoint: null };
  try {
    for (const id of opts.modelIds) results.models[id] = await modelSection(browser, id, natives[id] ?? {});
    if (checkpoints) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      try {
        results.checkpoint = { create: await checkpointCreateRuns(context, checkpoints), app: await checkpointAppRun(context, opts.modelIds[0]) };
      } finally {
        await context.close();
      }
    }
    if (peer) {
      log('peer: transformers.js image-classification against ConvLens on the same file…');
      results.peer = await peerRun(browser, peer);
    }
  } finally {
    await browser.close();
    server.kill();
  }
  writeFileSync(resolve(root, 'bench/results.json'), JSON.stringify(results, null, 2));
  console.log(`\nConvLens benchmark, ${results.date}\n${results.machine}\nmedian of ${opts.runs} runs after ${opts.warmup} warm-up${opts.smoke ? ' (smoke: one of each, numbers meaningless)' : ''}\n`);
  printTable(reportRows(results));
  console.log('\nwritten: bench/results.json');
}

async function occlusionOnlyMain() {
  const id = opts.modelIds[0];
  const server = await serve();
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const o = await occlusionRun(context, readManifest(id), id);
    await context.close();
    console.log(`\nConvLens occlusion benchmark, ${new Date().toISOString()}\n${machine()}\n`);
    console.log(`${id}: occlusion P=${OCCLUSION.patch} S=${OCCLUSION.stride} (${OCCLUSION.count} inputs), app Run → map shown: ${fmt(o.appMs)} ms (×${fmt(o.appMs / o.unbatchedMs, 2)} of ${OCCLUSION.count} × bare run; target ≤ 1.1)`);
    console.log(`  ${OCCLUSION.count} × bare session.run, batch 1, logits only: ${fmt(o.unbatchedMs)} ms (${fmt(o.unbatchedMs / OCCLUSION.count, 1)} ms each)`);
    console.log(`  bare, ${OCCLUSION.batch} per session.run (${o.batchedRuns} runs): ${fmt(o.batchedMs)} ms (batching ×${fmt(o.unbatchedMs / o.batchedMs, 2)})`);
    console.log(`  app caption: ${o.caption}`);
  } finally {
    await browser.close();
    server.kill();
  }
}

/** The Examples rate alone, with a bare run on each side: the VM's speed drifts within minutes. */
async function examplesOnlyMain() {
  const id = opts.modelIds[0];
  const manifest = readManifest(id);
  const server = await serve();
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  try {
    const { rate, memory } = await examplesRun(browser, id, manifest);
    const before = rate.bareBefore;
    const after = rate.bareAfter;
    const bare = (before + after) / 2;
    const s = rate.perPhoto;
    console.log(`\nConvLens Examples benchmark, ${new Date().toISOString()}\n${machine()}\n`);
    console.log(`${id}: ${rate.photos} photos, ${fmt(rate.photosPerSecond, 2)} photos/s: ×${fmt(rate.photosPerSecond / (1000 / bare), 2)} of 1000 / bare (bare ${fmt(before, 1)} → ${fmt(after, 1)} ms; target ≥ 0.85)`);
    const longest = (r) => (r.longTasks ? `${r.longTasks} main-thread tasks ≥ 50 ms, longest ${fmt(r.longestTaskMs)} ms` : 'no main-thread task ≥ 50 ms');
    console.log(`  ${longest(rate)}${memory ? `; 1000 photos: ${longest(memory)}` : ''} (target < 50 ms)`);
    if (memory) console.log(`  ${memory.photos} photos: app renderer ${(memory.rssBefore / 2 ** 20).toFixed(0)} → ${(memory.rssPeak / 2 ** 20).toFixed(0)} MiB (+${((memory.rssPeak - memory.rssBefore) / 2 ** 20).toFixed(0)} MiB; target < +300 MB), ${fmt(memory.photosPerSecond, 2)} photos/s`);
    console.log(`  per photo: decode ${fmt(s.decode, 1)}, preprocess ${fmt(s.preprocess, 1)}, session.run ${fmt(s.run, 1)}, bookkeeping ${fmt(s.bookkeeping, 1)}, the rest ${fmt(s.rest, 1)} ms; ${rate.fromStats} of ${rate.photos} from the model's own statistics`);
  } finally {
    await browser.close();
    server.kill();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
