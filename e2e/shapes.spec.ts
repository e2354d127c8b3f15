import { expect, test } from '@playwright/test';
import { dropFiles, photoFile, readGolden, samplePath, waitForModel, waitForResult } from './helpers';

/** PyTorch's top-5 for coffee.png through the shapes model (model/export.py --golden, float32 weights). */
const golden = readGolden('convnext-atto-shapes');

test('the shapes model is one click away, names shapes, and says what it cannot know', async ({ page }) => {
  await page.goto('./');
  await waitForModel(page);
  await page.getByLabel('Model', { exact: true }).selectOption('convnext-atto-shapes');
  await expect(page.locator('p[role="status"]')).toContainText('shapes', { timeout: 120_000 });
  await waitForModel(page);
  await dropFiles(page, [photoFile(samplePath('coffee.png'))]);
  await waitForResult(page, 'coffee.png');

  await expect(page.getByTestId('model-limitation')).toContainText('only knows 8 drawn shapes');
  await expect(page.getByTestId('untrained-warning')).toHaveCount(0);
  const labels = await page.locator('.predictions__label').allTextContents();
  expect(labels).toEqual(golden.top5.map((p) => p.label));
  const shapes = ['circle', 'square', 'triangle', 'star', 'cross', 'ring', 'hexagon', 'crescent'];
  for (const l of labels) expect(shapes).toContain(l);
  const probabilities = (await page.locator('.predictions__p').allTextContents()).map((t) => parseFloat(t) / 100);
  // fp16 weights in the browser vs float32 PyTorch: within half a percentage point.
  golden.top5.forEach((p, i) => expect(Math.abs(probabilities[i]! - p.probability)).toBeLessThanOrEqual(0.005));

  // and back: the untrained model's warning returns
  await page.getByLabel('Model', { exact: true }).selectOption('convnext-atto-untrained');
  await expect(page.getByTestId('untrained-warning')).toBeVisible({ timeout: 120_000 });
  await expect(page.getByTestId('model-limitation')).toHaveCount(0);
});
