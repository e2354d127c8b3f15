// Issue 26: a checkpoint built into a ConvNeXt graph in the page. Bytes → session ready (read,
// build, InferenceSession.create) against InferenceSession.create on the same network exported
// by torch.onnx, in the bare worker with the app's settings; the bytes held while building; and
// the app: drop → last tile painted on the checkpoint-built timm Atto.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { COFFEE, preparePhoto, timedDrop } from './appRun.mjs';
import { baseUrl, log, median, opts, root } from './lib.mjs';

const PAIRS = [
  { key: 'timm-atto', file: 'model.safetensors', shape: 'timm ConvNeXt-Atto' },
  { key: 'torchvision-tiny', file: 'convnext_tiny.pth', shape: 'torchvision ConvNeXt-Tiny' },
];
const CACHE = resolve(root, 'model/.cache/bench-checkpoints');
const INPUT = { inputName: 'input', shape: [1, 3, 224, 224] };

/** Seeded full-size checkpoints and their torch.onnx exports (model/make_checkpoints.py --bench), served under /checkpoints/. */
export function stageCheckpoints() {
  const pairs = opts.smoke ? PAIRS.slice(0, 1) : PAIRS;
  const missing = pairs.filter((p) => !existsSync(resolve(CACHE, p.key, 'exported.onnx')));
  if (missing.length) {
    log(`writing seeded checkpoints and their exports for ${missing.map((p) => p.key).join(', ')}…`);
    execFileSync('/usr/bin/python3', ['model/make_checkpoints.py', '--bench', CACHE, ...missing.flatMap((p) => ['--bench-only', p.key])], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  }
  for (const p of pairs) cpSync(resolve(CACHE, p.key), resolve(root, 'dist-bench/checkpoints', p.key), { recursive: true });
  return pairs;
}

async function bare(context, request) {
  const page = await context.newPage();
  try {
    await page.goto(`${baseUrl()}/bench/bare.html`);
    await page.waitForFunction(() => 'runBare' in window);
    const reply = await page.evaluate((req) => window.runBare(req), { ...INPUT, warmup: 0, runs: 0, ...request });
    if (reply.error) throw new Error(`bare run failed: ${reply.error}`);
    return reply;
  } finally {
    await page.close();
  }
}

/** Each pair alternately, a fresh worker each time; medians. */
export async function checkpointCreateRuns(context, pairs) {
  const out = [];
  for (const p of pairs) {
    log(`checkpoint ${p.key}: bytes → session against create on the export…`);
    const built = [];
    const exported = [];
    for (let i = 0; i < (opts.smoke ? 1 : 3); i++) {
      built.push(await bare(context, { modelUrl: `/checkpoints/${p.key}/${p.file}`, checkpoint: { fileName: p.file } }));
      exported.push(await bare(context, { modelUrl: `/checkpoints/${p.key}/exported.onnx` }));
    }
    const c = built.map((b) => b.checkpoint);
    out.push({
      ...p,
      threads: built[0].threads,
      taps: c[0].taps,
      checkpointMs: median(built.map((b) => b.createMs)),
      readMs: median(c.map((x) => x.readMs)),
      buildMs: median(c.map((x) => x.buildMs)),
      createOnlyMs: median(c.map((x) => x.createOnlyMs)),
      exportedCreateMs: median(exported.map((b) => b.createMs)),
      weightBytes: c[0].weightBytes,
      heldBytes: c[0].heldBytes,
    });
  }
  return out;
}

/** The app with the timm Atto checkpoint chosen in *Choose model*: photo dropped → last tile painted. */
export async function checkpointAppRun(context, bundledId) {
  const p = PAIRS[0];
  const page = await context.newPage();
  try {
    await page.goto(`${baseUrl()}/?debug&modelId=${bundledId}`);
    await page.locator('p[role="status"][data-status="ready"]').waitFor({ timeout: 180_000 });
    await page.getByLabel('Choose model').setInputFiles([{ name: p.file, mimeType: 'application/octet-stream', buffer: readFileSync(resolve(CACHE, p.key, p.file)) }]);
    await page.locator('p[role="status"][data-status="ready"]', { hasText: p.file }).waitFor({ timeout: 300_000 });
    await preparePhoto(page, COFFEE(), 'coffee.png');
    const runs = [];
    for (let i = 0; i < opts.warmup + opts.runs; i++) {
      const run = await timedDrop(page);
      if (i >= opts.warmup) runs.push(run);
    }
    const taps = await page.getByLabel('Layer', { exact: true }).locator('option').count();
    // The worker's split, to set beside the bundled model's (appRun.mjs).
    const m = (key) => median(runs.map((r) => r[key]));
    return { shape: p.shape, taps, appMedian: m('totalMs'), decodeMs: m('decodeMs'), preprocessMs: m('preprocessMs'), inferenceMs: m('inferenceMs'), paintMs: median(runs.map((r) => r.totalMs - r.resultMs)) };
  } finally {
    await page.close();
  }
}

