import { expect, test } from '@playwright/test';
import { dropFiles, photoFile, readGolden, samplePath, untrainedUrl, waitForModel, waitForResult } from './helpers';

// Runs in the 'webgpu' project (SwiftShader's software adapter); the device is destroyed
// through the ?debug hook, which is what the browser does to a page whose GPU resets.
test('a lost WebGPU device falls back to WASM, and the next photo still gives the right answer', async ({ page }) => {
  test.slow();
  await page.goto(untrainedUrl('backend=webgpu&debug=1'));
  await waitForModel(page, 'webgpu');
  await dropFiles(page, [photoFile(samplePath('rocket.jpg'))]);
  await waitForResult(page, 'rocket.jpg');
  await expect(page.getByTestId('backend')).toContainText('webgpu');

  const stats = await page.evaluate(async () => (await window.__convlens!.worker('lose-gpu'))!);
  expect(stats.backend).toBe('webgpu'); // lost, not yet replaced: the next run moves

  await dropFiles(page, [{ ...photoFile(samplePath('coffee.png')), name: 'coffee-after-loss.png' }]);
  await waitForResult(page, 'coffee-after-loss.png');
  await expect(page.getByTestId('backend')).toContainText('wasm');
  await expect(page.getByTestId('backend-fallback')).toContainText(/GPU device was lost.*using WASM/);
  await expect(page.getByRole('alert')).toHaveCount(0);
  const labels = await page.locator('.predictions__label').allTextContents();
  expect(labels).toEqual(readGolden().top5.map((p) => p.label.replaceAll('_', ' ')));
  await page.screenshot({ path: 'screenshots/robust-gpu-lost.png' });
});
