// The app itself in Chromium: a photo dropped → last tile painted, repaints, the slider drag,
// reloads and memory; and the Why view's occlusion against the bare runs it repeats.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { bareRun } from './bareRuns.mjs';
import { OCCLUSION, baseUrl, median, opts, percentile, root } from './lib.mjs';

export const COFFEE = () => readFileSync(resolve(root, 'public/samples/coffee.png')).toString('base64');

/**
 * Occlusion in the app (Run occlusion → map shown, the worker's own figure too) against
 * 169 bare session.run calls fetching only the logits, and the same inputs batched.
 */
export async function occlusionRun(context, manifest, id) {
  const logits = manifest.taps.findLast((t) => t.kind === 'logits').name;
  const bare = await bareRun(context, manifest, id, { occlusion: { count: OCCLUSION.count, batch: OCCLUSION.batch, logits } });
  const page = await context.newPage();
  await page.goto(`${baseUrl()}/?modelId=${id}`);
  await page.locator('p[role="status"][data-status="ready"]').waitFor({ timeout: 180_000 });
  await preparePhoto(page, COFFEE(), 'coffee.png');
  await timedDrop(page);
  await page.getByRole('button', { name: 'Why', exact: true }).click();
  await page.getByLabel('Method', { exact: true }).selectOption('occlusion');
  await page.getByLabel('Patch size').fill(String(OCCLUSION.patch));
  await page.getByLabel('Stride').fill(String(OCCLUSION.stride));
  const t0 = Date.now();
  await page.getByRole('button', { name: 'Run occlusion' }).click();
  await page.getByRole('button', { name: 'Download map (.npy)' }).waitFor({ timeout: 600_000 });
  const appMs = Date.now() - t0;
  const caption = (await page.getByTestId('why-canvas').getAttribute('aria-label')) ?? '';
  await page.close();
  return { appMs, caption, ...bare.occlusion };
}

/** Puts the photo's File in the page once, so decoding base64 is not timed as the app's work. */
export async function preparePhoto(page, photoB64, name) {
  await page.evaluate(
    ([b64, fileName]) => {
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      window.__benchFile = new File([bytes], fileName, { type: 'image/png' });
    },
    [photoB64, name],
  );
}

/**
 * Drops the prepared photo through a real drop event; resolves when its grid's last tile is
 * painted, with the time its first tile was painted too (marks set by ChannelGrid).
 */
export async function timedDrop(page) {
  return page.evaluate(
    () =>
      new Promise((resolveTime) => {
        const dt = new DataTransfer();
        dt.items.add(window.__benchFile);
        const t0 = performance.now();
        let firstTile = null;
        const observer = new PerformanceObserver((list) => {
          for (const e of list.getEntries()) {
            if (e.startTime <= t0) continue;
            if (e.name === 'convlens:first-tile' && firstTile === null) firstTile = e.startTime;
            if (e.name === 'convlens:painted') {
              observer.disconnect();
              resolveTime({ totalMs: e.startTime - t0, firstTileMs: (firstTile ?? e.startTime) - t0, start: t0, end: e.startTime, ...e.detail });
            }
          }
        });
        observer.observe({ type: 'mark' });
        document.body.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
      }),
  );
}

async function memory(page) {
  // Counts the page and its workers, WASM memory included (needs cross-origin isolation).
  return page.evaluate(async () => (await performance.measureUserAgentSpecificMemory()).bytes);
}

export async function appRun(context, manifest, id) {
  const page = await context.newPage();
  const bytesByUrl = new Map();
  page.on('requestfinished', async (req) => {
    try {
      const sizes = await req.sizes();
      bytesByUrl.set(req.url(), sizes.responseBodySize + sizes.responseHeadersSize);
    } catch {}
  });
  const t0 = Date.now();
  await page.goto(`${baseUrl()}/?debug&modelId=${id}`);
  await page.locator('p[role="status"][data-status="ready"]').waitFor({ timeout: 180_000 });
  const firstReadyMs = Date.now() - t0;
  const status = await page.locator('p[role="status"]').textContent();
  await preparePhoto(page, COFFEE(), 'coffee.png');
  await page.evaluate(() => {
    window.__longTasks = [];
    new PerformanceObserver((l) => window.__longTasks.push(...l.getEntries().map((e) => ({ start: e.startTime, duration: e.duration })))).observe({ type: 'longtask' });
  });
  const appTimes = [];
  const memorySamples = [];
  for (let i = 0; i < opts.warmup + opts.runs; i++) {
    const run = await timedDrop(page);
    if (i >= opts.warmup) appTimes.push(run);
    if (i === opts.warmup || i === opts.warmup + opts.runs - 1) memorySamples.push(await memory(page));
  }
  // Only tasks inside a measured run count (memory sampling forces GCs of its own).
  await page.waitForTimeout(100);
  const windows = appTimes.map((r) => [r.start, r.end]);
  const longTasks = (await page.evaluate(() => window.__longTasks))
    .filter((t) => windows.some(([a, b]) => t.start + t.duration >= a && t.start <= b))
    .map((t) => t.duration);
  const downloadBytes = [...bytesByUrl.values()].reduce((a, b) => a + b, 0);

  // Grid repaint of the largest layer with every channel on screen.
  const mapTaps = manifest.taps.filter((t) => t.shape.length === 3);
  const largest = mapTaps.reduce((a, b) => (b.shape[0] * b.shape[1] * b.shape[2] > a.shape[0] * a.shape[1] * a.shape[2] ? b : a));
  await page.getByLabel('Layer', { exact: true }).selectOption(largest.name);
  await page.getByLabel('Channels shown').fill(String(largest.shape[0]));
  await page.waitForTimeout(300);
  const repaints = await page.evaluate(async (n) => {
    const paints = globalThis.__convlensGridPaints;
    const select = document.querySelector('select[aria-label="Colour map"]');
    const before = paints.length;
    const maps = ['magma', 'viridis'];
    for (let i = 0; i < n; i++) {
      select.value = maps[i % 2];
      select.dispatchEvent(new Event('change', { bubbles: true }));
      await new Promise((r) => requestAnimationFrame(() => r()));
    }
    return paints.slice(before);
  }, opts.quick ? 10 : 40);

  // Frames per second while the First channel slider is dragged (128-tile window).
  await page.getByLabel('Channels shown').fill('128');
  await page.waitForTimeout(200);
  const slider = page.getByLabel('First channel');
  const box = await slider.boundingBox();
  await page.evaluate(() => {
    window.__frames = 0;
    window.__counting = true;
    const tick = () => {
      if (!window.__counting) return;
      window.__frames++;
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  const dragStart = Date.now();
  await page.mouse.move(box.x + 4, box.y + box.height / 2);
  await page.mouse.down();
  const steps = 120;
  for (let i = 0; i <= steps; i++) {
    const f = i <= steps / 2 ? i / (steps / 2) : 2 - i / (steps / 2);
    await page.mouse.move(box.x + 4 + f * (box.width - 8), box.y + box.height / 2);
    await page.waitForTimeout(8);
  }
  await page.mouse.up();
  const dragSeconds = (Date.now() - dragStart) / 1000;
  const frames = await page.evaluate(() => {
    window.__counting = false;
    return window.__frames;
  });
  const paintsDuringDrag = await page.evaluate(() => globalThis.__convlensGridPaints.length);

  // Time to a ready app on reload, the model now in the browser's caches.
  const t1 = Date.now();
  await page.reload();
  await page.locator('p[role="status"][data-status="ready"]').waitFor({ timeout: 180_000 });
  const cachedReadyMs = Date.now() - t1;
  await page.close();
  return {
    status,
    firstReadyMs,
    cachedReadyMs,
    appMedian: median(appTimes.map((r) => r.totalMs)),
    firstTileMedian: median(appTimes.map((r) => r.firstTileMs)),
    breakdown: {
      decodeMs: median(appTimes.map((r) => r.decodeMs)),
      preprocessMs: median(appTimes.map((r) => r.preprocessMs)),
      inferenceMs: median(appTimes.map((r) => r.inferenceMs)),
      // runPhoto → result back on the page; the rest is messaging and the blob's trip.
      resultMs: median(appTimes.map((r) => r.resultMs)),
      // result back on the page → last tile painted (store, React, LUT painting).
      paintMs: median(appTimes.map((r) => r.totalMs - r.resultMs)),
    },
    longestTaskMs: longTasks.length ? Math.max(...longTasks) : 0,
    downloadBytes,
    memoryBytes: Math.max(...memorySamples),
    memoryGrowth: memorySamples.length > 1 ? memorySamples[1] / memorySamples[0] - 1 : 0,
    largestLayer: `${largest.name} ${largest.shape.join('×')}`,
    repaintP50: percentile(repaints, 50),
    repaintP95: percentile(repaints, 95),
    dragFps: frames / dragSeconds,
    paintsDuringDrag,
  };
}

