/**
 * Production carries no test or benchmark hooks: the built page opened without ?debug adds
 * no global of its own to the window (no `__convlens`, no `__convlensGridPaints`, nothing
 * else), on the page or in the inference worker, even after a photo ran and the grid
 * painted. With ?debug the hooks the tests and `npm run bench` use are there
 * (src/app/debugHook.ts is the one place that installs them).
 */
import { expect, test, type Page, type Worker } from '@playwright/test';
import { waitForModel, waitForResult } from './helpers';

/** The window's own property names (globals), sorted. */
const ownGlobals = () => Object.getOwnPropertyNames(globalThis).sort();

/** Globals the app added: the page's own names minus those of a plain document served the same way (same isolation headers). */
async function appGlobals(page: Page): Promise<string[]> {
  const plain = await page.context().newPage();
  try {
    await plain.goto('./models/index.json');
    const baseline = new Set(await plain.evaluate(ownGlobals));
    return (await page.evaluate(ownGlobals)).filter((name) => !baseline.has(name));
  } finally {
    await plain.close();
  }
}

async function inferenceWorker(page: Page): Promise<Worker> {
  await expect.poll(() => page.workers().length).toBeGreaterThan(0);
  return page.workers().find((w) => w.url().includes('inference.worker')) ?? page.workers()[0]!;
}

async function showSample(page: Page): Promise<void> {
  await waitForModel(page);
  await page.getByRole('group', { name: 'Sample photos' }).getByRole('button', { name: 'Espresso', exact: true }).click();
  await waitForResult(page, 'coffee.png');
}

test('without ?debug the production page and its worker have no test or bench globals', async ({ page }) => {
  await page.goto('./');
  await showSample(page);
  expect(await appGlobals(page)).toEqual([]);
  const worker = await inferenceWorker(page);
  expect(await worker.evaluate(() => Object.getOwnPropertyNames(globalThis).filter((n) => n.startsWith('__convlens')))).toEqual([]);
});

test('with ?debug the hooks the tests and the benchmark use are there', async ({ page }) => {
  await page.goto('./?debug');
  await showSample(page);
  expect(await appGlobals(page)).toEqual(['__convlens', '__convlensGridPaints']);
  expect(await page.evaluate(() => window.__convlensGridPaints!.length)).toBeGreaterThan(0);
  expect(await page.evaluate(async () => (await window.__convlens!.worker('stats'))!.runsExecuted)).toBe(1);
});
