// The Examples view (issue 28): a folder of drawn shapes (model/shapes.py) through the model,
// every tap's top 9 kept per channel. Photos per second against 1000 / the bare run, with the
// worker's split, and the app renderer's memory before and at its peak for a large folder.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { bareRun } from './bareRuns.mjs';
import { baseUrl, log, opts, root, rssAnon } from './lib.mjs';

function shapesFolder(count) {
  const dir = resolve(root, `model/.cache/bench-shapes-${count}`);
  if (!existsSync(dir) || readdirSync(dir).filter((f) => f.endsWith('.png')).length < count) {
    log(`drawing ${count} shapes for the Examples view…`);
    execFileSync('/usr/bin/python3', ['model/shapes.py', '--seed', '11', '--count', String(count), '--size', '256', '--png', dir], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  }
  return readdirSync(dir).filter((f) => f.endsWith('.png')).sort().slice(0, count).map((f) => resolve(dir, f));
}

/** The app renderer: the largest renderer process of the browser (it runs the inference worker). */
async function appRenderer(browser) {
  const { processInfo } = await (await browser.newBrowserCDPSession()).send('SystemInfo.getProcessInfo');
  return processInfo.filter((p) => p.type === 'renderer').map((p) => p.id).sort((a, b) => rssAnon(b) - rssAnon(a))[0];
}

async function folderRun(browser, context, id, count) {
  const files = shapesFolder(count);
  const page = await context.newPage();
  try {
    await page.goto(`${baseUrl()}/?debug&modelId=${id}`);
    await page.locator('p[role="status"][data-status="ready"]').waitFor({ timeout: 180_000 });
    await page.getByRole('button', { name: 'Examples', exact: true }).click();
    const progress = page.getByTestId('examples-progress');
    const settled = async (n) => {
      await progress.filter({ hasText: `${n} of ${n} photos` }).waitFor({ timeout: 1_800_000 });
      await page.locator('[data-testid="examples-progress"][data-busy="false"]').waitFor({ timeout: 600_000 });
    };
    await settled(4); // the four samples it starts with
    await page.evaluate(() => window.__convlens.examples.reset());
    const pid = await appRenderer(browser);
    const before = rssAnon(pid);
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, rssAnon(pid))), 250);
    // The page's longest main-thread task while the folder is added and its examples found.
    await page.evaluate(() => {
      window.__benchLongTasks = [];
      new PerformanceObserver((list) => window.__benchLongTasks.push(...list.getEntries().map((e) => e.duration))).observe({ type: 'longtask' });
    });
    const t0 = Date.now();
    await page.getByLabel('Add photos').setInputFiles(files);
    await settled(count + 4);
    const wallMs = Date.now() - t0;
    clearInterval(sampler);
    const longTasks = await page.evaluate(() => window.__benchLongTasks);
    const t = await page.evaluate(() => ({ ...window.__convlens.examples.timings }));
    return { photos: t.photos, fromStats: t.fromStats, longTasks: longTasks.length, longestTaskMs: Math.max(0, ...longTasks), wallMs, photosPerSecond: (t.photos * 1000) / wallMs, perPhoto: { decode: t.decode / t.photos, preprocess: t.preprocess / t.photos, run: t.run / t.photos, bookkeeping: t.bookkeeping / t.photos, rest: (wallMs - t.decode - t.preprocess - t.run - t.bookkeeping) / t.photos }, rssBefore: before, rssPeak: peak };
  } finally {
    await page.close();
  }
}

/**
 * 100 photos for the rate (smoke: 4), between two bare runs in the same browser (this VM's
 * speed drifts by tens of percent within minutes, so the bare run of the model's section,
 * minutes earlier, is no measure for it); 1000 for the memory (not in quick or smoke runs).
 */
export async function examplesRun(browser, id, manifest, { memory: withMemory = !opts.quick } = {}) {
  const bareMedian = async () => {
    const bareContext = await browser.newContext();
    try {
      return (await bareRun(bareContext, manifest, id)).median;
    } finally {
      await bareContext.close();
    }
  };
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  try {
    const bareBefore = await bareMedian();
    log(`${id}: Examples, ${opts.smoke ? 4 : 100} photos…`);
    const rate = { ...(await folderRun(browser, context, id, opts.smoke ? 4 : 100)), bareBefore, bareAfter: await bareMedian() };
    let memory = null;
    if (withMemory) {
      log(`${id}: Examples, 1000 photos (memory)…`);
      const big = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      try {
        memory = await folderRun(browser, big, id, 1000);
      } finally {
        await big.close();
      }
    }
    return { rate, memory };
  } finally {
    await context.close();
  }
}
