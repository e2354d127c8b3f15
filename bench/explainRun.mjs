// "How this value is computed" (issue 27): picking positions one after another in the channel
// detail, each explained on the page from the inputs the worker fetched once for the layer.
// Per pick: Enter pressed → the region's `= value` replaced; and the longest main-thread task.
import { baseUrl, median, opts } from './lib.mjs';

/** Stage 1's first depthwise 7×7 convolution: 49 products per value. */
export const EXPLAIN_TAP = 'features.1.0.block.0';

export async function explainRun(context, manifest, id) {
  if (!manifest.taps.some((t) => t.name === EXPLAIN_TAP)) return null;
  const page = await context.newPage();
  try {
    await page.goto(`${baseUrl()}/?modelId=${id}&sample=coffee&layer=${EXPLAIN_TAP}&channel=5&at=10,12`);
    await page.locator('p[role="status"][data-status="ready"]').waitFor({ timeout: 180_000 });
    const result = page.getByTestId('explain-result');
    await result.waitFor({ timeout: 120_000 });
    await page.evaluate(() => {
      window.__longTasks = [];
      new PerformanceObserver((l) => window.__longTasks.push(...l.getEntries().map((e) => e.duration))).observe({ type: 'longtask' });
      window.__picks = [];
      const result = () => document.querySelector('[data-testid="explain-result"]');
      document.addEventListener('keydown', (e) => e.key === 'Enter' && window.__picks.push({ pressed: performance.now(), shown: null, text: result()?.textContent }), true);
      new MutationObserver(() => {
        const last = window.__picks.at(-1);
        if (last && last.shown === null && result()?.textContent !== last.text) last.shown = performance.now();
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    });
    await page.getByTestId('detail-channel').focus();
    const picks = opts.smoke ? 2 : 20;
    for (let i = 0; i < picks; i++) {
      await page.keyboard.press(i % 2 ? 'ArrowDown' : 'ArrowRight');
      await page.keyboard.press('Enter');
      await page.waitForFunction((n) => window.__picks.length === n && window.__picks.at(-1).shown !== null, i + 1, { timeout: 30_000 });
    }
    const { times, longTasks } = await page.evaluate(() => ({ times: window.__picks.map((p) => p.shown - p.pressed), longTasks: window.__longTasks }));
    return { tap: EXPLAIN_TAP, picks, pickMs: median(times), worstPickMs: Math.max(...times), longestTaskMs: longTasks.length ? Math.max(...longTasks) : 0 };
  } finally {
    await page.close();
  }
}
