// The live camera on Chromium's fake device: sustained rate, per-frame split, long tasks,
// repaints and memory while frames run back to back.
import { baseUrl, log, median, opts, percentile, rssAnon } from './lib.mjs';

/**
 * Memory of the camera page, sampled at once (measureUserAgentSpecificMemory answers only at
 * the browser's next collection, here a minute later, hundreds of frames on). Each sample
 * collects garbage in the page and in the inference worker (CDP), then adds their live
 * JavaScript heaps and ArrayBuffers; the figure is the median of seven samples three frames
 * apart, since a frame's layers arrive before the last frame's are let go and one sample
 * lands anywhere in that cycle (±15 %). `process` is the app renderer's private memory from
 * /proc (RssAnon, WASM memory included), the median of the same samples.
 */

async function cameraMemory(page, cdp, workerCall, rendererPid) {
  const live = [];
  const process = [];
  for (let i = 0; i < 7; i++) {
    if (i > 0) {
      const at = await page.evaluate(() => window.__convlens.camera().applied);
      await page.waitForFunction((k) => window.__convlens.camera().applied >= k, at + 3, { timeout: 60_000, polling: 20 });
    }
    await cdp.send('HeapProfiler.collectGarbage');
    await workerCall('HeapProfiler.collectGarbage');
    const usage = [await cdp.send('Runtime.getHeapUsage'), await workerCall('Runtime.getHeapUsage')];
    live.push(usage.reduce((sum, u) => sum + u.usedSize + u.embedderHeapUsedSize + u.backingStorageSize, 0));
    process.push(rssAnon(rendererPid));
  }
  return { live: median(live), process: median(process) };
}

/** A CDP session on the page, and a way to send to its inference worker (attached through it). */
async function cameraProbe(context, page) {
  const cdp = await context.newCDPSession(page);
  const workers = [];
  const pending = new Map();
  let nextId = 1;
  cdp.on('Target.attachedToTarget', (e) => e.targetInfo.type === 'worker' && e.targetInfo.url.includes('inference') && workers.push(e.sessionId));
  cdp.on('Target.receivedMessageFromTarget', (e) => {
    const m = JSON.parse(e.message);
    const settle = pending.get(m.id);
    if (!settle) return;
    pending.delete(m.id);
    settle(m);
  });
  await cdp.send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: false, flatten: false });
  for (let i = 0; i < 100 && workers.length === 0; i++) await new Promise((r) => setTimeout(r, 50));
  if (workers.length !== 1) throw new Error(`expected one inference worker, found ${workers.length}`);
  const workerCall = (method, params = {}) =>
    new Promise((res, rej) => {
      const id = nextId++;
      pending.set(id, (m) => (m.error ? rej(new Error(m.error.message)) : res(m.result)));
      void cdp.send('Target.sendMessageToTarget', { sessionId: workers[0], message: JSON.stringify({ id, method, params }) });
    });
  await cdp.send('HeapProfiler.enable');
  await workerCall('HeapProfiler.enable');
  const { processInfo } = await (await context.browser().newBrowserCDPSession()).send('SystemInfo.getProcessInfo');
  // The app's renderer: the one that runs the inference worker, by far the largest.
  const renderers = processInfo.filter((p) => p.type === 'renderer').map((p) => p.id);
  const rendererPid = renderers.sort((a, b) => rssAnon(b) - rssAnon(a))[0];
  return { cdp, workerCall, rendererPid };
}

/**
 * Live camera on Chromium's fake device (its built-in moving test pattern at the size the app
 * asks for, 20 frames a second unless --camera-fps says otherwise): sustained
 * frames per second between frame opts.cameraFrom and opts.cameraTo, the per-frame split, main-thread
 * long tasks, grid repaints and memory, all while frames run back to back.
 */
export async function cameraRun(browser, id) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, permissions: ['camera'] });
  const page = await context.newPage();
  await page.goto(`${baseUrl()}/?debug&modelId=${id}`);
  await page.locator('p[role="status"][data-status="ready"]').waitFor({ timeout: 180_000 });
  await page.evaluate(() => {
    window.__longTasks = [];
    window.__painted = new Map();
    new PerformanceObserver((l) => window.__longTasks.push(...l.getEntries().map((e) => ({ start: e.startTime, duration: e.duration })))).observe({ type: 'longtask' });
    new PerformanceObserver((l) => {
      for (const e of l.getEntries()) if (e.name === 'convlens:painted') window.__painted.set(e.detail.runId, e.startTime);
    }).observe({ type: 'mark' });
  });
  await page.getByRole('button', { name: 'Use camera' }).click();
  const framesAt = (n) => page.waitForFunction((k) => window.__convlens.camera().applied >= k, n, { timeout: 600_000, polling: 100 });
  const probe = await cameraProbe(context, page);
  await framesAt(opts.cameraFrom);
  const memoryFrom = await cameraMemory(page, probe.cdp, probe.workerCall, probe.rendererPid);
  // Counted from here: measuring memory forces a collection, which would skew the rate.
  const from = await page.evaluate(() => ({ t: performance.now(), applied: window.__convlens.camera().applied }));
  log(`${id}: camera: frame ${from.applied}, counting ${opts.cameraTo - opts.cameraFrom} frames…`);
  await framesAt(from.applied + opts.cameraTo - opts.cameraFrom);
  const to = await page.evaluate(() => ({ t: performance.now(), applied: window.__convlens.camera().applied }));
  const memoryTo = await cameraMemory(page, probe.cdp, probe.workerCall, probe.rendererPid);
  const detail = await page.evaluate(
    ([t0, t1, p0]) => {
      const timings = window.__convlens.camera().timings.filter((f) => f.appliedAt >= t0 && f.appliedAt <= t1);
      return {
        timings: timings.map((f) => ({ ...f, paintMs: window.__painted.has(f.runId) ? window.__painted.get(f.runId) - f.appliedAt : null })),
        longTasks: window.__longTasks.filter((l) => l.start + l.duration >= t0 && l.start <= t1).map((l) => l.duration),
        // The grid keeps its last 500 paint times; one paint per frame shown.
        repaints: globalThis.__convlensGridPaints.slice(-Math.min(500, p0)),
        status: document.querySelector('p[role="status"]').textContent,
        frameSize: (() => {
          const v = document.querySelector('[data-testid="camera-video"]');
          return `${v.videoWidth}×${v.videoHeight} at ${v.srcObject?.getVideoTracks()[0]?.getSettings().frameRate ?? '?'} fps,`;
        })(),
      };
    },
    [from.t, to.t, to.applied - from.applied],
  );
  const dropped = await page.evaluate(() => window.__convlens.camera().dropped);
  await page.getByRole('button', { name: 'Stop camera' }).click();
  await page.close();
  await context.close();
  const field = (k) => median(detail.timings.map((f) => f[k]).filter((v) => v !== null));
  const fps = ((to.applied - from.applied) * 1000) / (to.t - from.t);
  return {
    frames: to.applied - from.applied,
    seconds: (to.t - from.t) / 1000,
    fps,
    split: { grabMs: field('grabMs'), decodeMs: field('decodeMs'), preprocessMs: field('preprocessMs'), inferenceMs: field('inferenceMs'), paintMs: field('paintMs'), totalMs: field('totalMs') },
    longestTaskMs: detail.longTasks.length ? Math.max(...detail.longTasks) : 0,
    longTasks: detail.longTasks.length,
    longTasksTop: [...detail.longTasks].sort((x, y) => y - x).slice(0, 5),
    repaintP95: detail.repaints.length ? percentile(detail.repaints, 95) : null,
    memoryFrom,
    memoryTo,
    memoryGrowth: memoryTo.live / memoryFrom.live - 1,
    processGrowth: memoryTo.process / memoryFrom.process - 1,
    dropped,
    status: detail.status,
    frameSize: detail.frameSize,
  };
}

