/**
 * The download that hung (README): Chromium silently drops an <a download> click that comes
 * too soon after ten others from the same page. Fourteen clicks on "Download layer (.npy)" in
 * one task (the burst forced, not left to the machine's speed) must bring fourteen real files,
 * each the shown layer's tensor; the app spaces its downloads (src/components/downloadPacing.ts).
 */
import { readFileSync } from 'node:fs';
import { expect, test, type Download } from '@playwright/test';
import { decodeNpy } from '../src/render/npy';
import { dropFiles, photoFile, samplePath, waitForModel, waitForResult } from './helpers';

const CLICKS = 14;

test('a burst of Download layer (.npy) clicks brings every file', async ({ page }) => {
  await page.goto('./?debug');
  await waitForModel(page);
  await dropFiles(page, [photoFile(samplePath('coffee.png'))]);
  await waitForResult(page, 'coffee.png');
  const tap = (await page.getByTestId('channel-grid').getAttribute('data-tap'))!;
  const button = page.getByRole('button', { name: 'Download layer (.npy)' });
  await expect(button).toBeEnabled();
  const expected = await page.evaluate((name) => {
    const t = window.__convlens!.store.getState().activations!.tensors.get(name)!;
    return { shape: t.shape, sum: t.data.reduce((a, v) => a + v, 0) };
  }, tap);

  const downloads: Download[] = [];
  page.on('download', (d) => downloads.push(d));
  // All clicks inside one task: far more than ten within a second, whatever the machine's speed.
  await button.evaluate((b, n) => {
    for (let i = 0; i < n; i++) (b as HTMLButtonElement).click();
  }, CLICKS);
  await expect.poll(() => downloads.length, { message: 'every click brought a download', timeout: 30_000 }).toBe(CLICKS);

  for (const d of downloads) {
    expect(d.suggestedFilename()).toBe(`${tap}.npy`);
    const { shape, data } = decodeNpy(new Uint8Array(readFileSync((await d.path())!)));
    expect(shape).toEqual(expected.shape);
    // Same float32 values summed in the same order on both sides; a stated tolerance all the same.
    expect(Math.abs(data.reduce((a, v) => a + v, 0) - expected.sum)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(expected.sum)));
  }
});
