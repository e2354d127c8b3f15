// The peer row: transformers.js's image-classification pipeline (bench/peer.ts) against ConvLens
// on the same Hub-layout ConvNeXt file, in one run on one machine.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { preparePhoto, timedDrop, COFFEE } from './appRun.mjs';
import { baseUrl, log, median, opts, root } from './lib.mjs';

const PEER_MODEL = 'convnext-tiny-hub';

/** Exports the Hub-layout ConvNeXt-Tiny once (model/.cache) and serves it, the photo and the peer's WASM under dist-bench/peer/. */
export function stagePeer() {
  // The smoke pass uses the tests' small Hub-style ConvNeXt: the flow, not the figure.
  const cached = resolve(root, 'model/.cache/peer', opts.smoke ? 'convnext-test-hub' : PEER_MODEL);
  if (!existsSync(resolve(cached, 'onnx/model.onnx'))) {
    log(`exporting the peer's Hub-layout model to ${cached}…`);
    const args = opts.smoke ? ['model/hf_convnext.py', '--out', resolve(root, 'model/.cache/peer/hub'), '--id', 'test/convnext'] : ['model/hf_convnext.py', '--tiny-repo', cached];
    execFileSync('/usr/bin/python3', args, { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
    if (opts.smoke) cpSync(resolve(root, 'model/.cache/peer/hub/test/convnext'), cached, { recursive: true });
  }
  const served = resolve(root, 'dist-bench/peer', PEER_MODEL);
  mkdirSync(resolve(served, 'onnx'), { recursive: true });
  for (const f of ['config.json', 'preprocessor_config.json', 'onnx/model.onnx']) cpSync(resolve(cached, f), resolve(served, f));
  const ort = resolve(root, 'node_modules/@huggingface/transformers/node_modules/onnxruntime-web/dist');
  const ortDir = existsSync(ort) ? ort : resolve(root, 'node_modules/onnxruntime-web/dist');
  mkdirSync(resolve(root, 'dist-bench/peer/ort'), { recursive: true });
  for (const f of ['ort-wasm-simd-threaded.asyncify.mjs', 'ort-wasm-simd-threaded.asyncify.wasm']) cpSync(resolve(ortDir, f), resolve(root, 'dist-bench/peer/ort', f));
  cpSync(resolve(root, 'public/samples/coffee.png'), resolve(root, 'dist-bench/peer/coffee.png'));
  return { model: PEER_MODEL, tiny: !opts.smoke };
}

/** The peer's classify(photo) and ConvLens's drop → first tile and → last tile, on the same model file and photo. */
export async function peerRun(browser, peer) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  try {
    const page = await context.newPage();
    await page.goto(`${baseUrl()}/bench/peer.html`);
    await page.waitForFunction(() => 'runPeer' in window);
    const reply = await page.evaluate((req) => window.runPeer(req), { model: peer.model, photoUrl: '/peer/coffee.png', warmup: opts.warmup, runs: opts.runs });
    await page.close();
    if (reply.error) throw new Error(`the peer failed: ${reply.error}`);

    const app = await context.newPage();
    await app.goto(`${baseUrl()}/?debug&model=${encodeURIComponent(`${baseUrl()}/peer/${peer.model}/onnx/model.onnx`)}`);
    await app.locator('p[role="status"][data-status="ready"]').waitFor({ timeout: 300_000 });
    await preparePhoto(app, COFFEE(), 'coffee.png');
    const runs = [];
    for (let i = 0; i < opts.warmup + opts.runs; i++) {
      const run = await timedDrop(app);
      if (i >= opts.warmup) runs.push(run);
    }
    await app.close();
    return {
      shape: peer.tiny ? 'ConvNeXt-Tiny' : 'the tests’ small ConvNeXt',
      peerMs: median(reply.times),
      peerLoadMs: reply.loadMs,
      peerThreads: reply.threads,
      peerTop1: reply.top1,
      firstTileMs: median(runs.map((r) => r.firstTileMs)),
      lastTileMs: median(runs.map((r) => r.totalMs)),
      inferenceMs: median(runs.map((r) => r.inferenceMs)),
      decodeMs: median(runs.map((r) => r.decodeMs)),
    };
  } finally {
    await context.close();
  }
}
