import { expect, test } from '@playwright/test';
import { dropFiles, photoFile, readGolden, samplePath, waitForModel, waitForResult } from './helpers';

/** PyTorch's top-5 for coffee.png through the shapes model (model/export.py --golden, float32 weights). */
const golden = readGolden('convnext-atto-shapes');
const SHAPES = ['circle', 'square', 'triangle', 'star', 'cross', 'ring', 'hexagon', 'crescent'];

test('the page opens on the shapes network, which names shapes and says what it cannot know; the untrained one is a click away and back', async ({ page }) => {
  await page.goto('./');
  await waitForModel(page);
  await expect(page.getByLabel('Model', { exact: true })).toHaveValue('convnext-atto-shapes');
  await expect(page.locator('p[role="status"]')).toContainText('drawn shapes');
  // a trained network: no offer of one
  await expect(page.getByRole('region', { name: 'Trained network' })).toHaveCount(0);
  await dropFiles(page, [photoFile(samplePath('coffee.png'))]);
  await waitForResult(page, 'coffee.png');

  await expect(page.getByTestId('model-limitation')).toContainText('only knows 8 drawn shapes');
  await expect(page.getByTestId('untrained-warning')).toHaveCount(0);
  const labels = await page.locator('.predictions__label').allTextContents();
  expect(labels).toEqual(golden.top5.map((p) => p.label));
  for (const l of labels) expect(SHAPES).toContain(l);
  const probabilities = (await page.locator('.predictions__p').allTextContents()).map((t) => parseFloat(t) / 100);
  // fp16 weights in the browser vs float32 PyTorch: within half a percentage point.
  golden.top5.forEach((p, i) => expect(Math.abs(probabilities[i]! - p.probability)).toBeLessThanOrEqual(0.005));

  // the Why view tells the same truth
  await page.getByRole('button', { name: 'Why', exact: true }).click();
  await expect(page.getByTestId('why-caveat')).toContainText('only knows 8 drawn shapes');

  // one click to the same network before training: the untrained warning, the same photo
  await page.getByRole('button', { name: 'Channels', exact: true }).click();
  await page.getByRole('button', { name: 'Before training: ConvNeXt-Atto · untrained (seed 0)' }).click();
  await expect(page.getByLabel('Model', { exact: true })).toHaveValue('convnext-atto-untrained', { timeout: 120_000 });
  await expect(page.getByTestId('untrained-warning')).toBeVisible({ timeout: 120_000 });
  await expect(page.getByTestId('model-limitation')).toHaveCount(0);
  // the espresso re-runs on it: five Food-101 names, no shape
  await expect
    .poll(async () => {
      const now = await page.locator('.predictions__label').allTextContents();
      return now.length === 5 && !now.some((l) => SHAPES.includes(l));
    }, { timeout: 120_000 })
    .toBe(true);

  // and one click back, offline: the untrained network's bar offers the bundled trained one
  const offer = page.getByRole('region', { name: 'Trained network' });
  await offer.getByRole('button', { name: /^Offline: ConvNeXt-Atto · drawn shapes/ }).click();
  await expect(page.getByLabel('Model', { exact: true })).toHaveValue('convnext-atto-shapes', { timeout: 120_000 });
  await expect(page.getByTestId('model-limitation')).toContainText('only knows 8 drawn shapes', { timeout: 120_000 });
  await expect(offer).toHaveCount(0);
});
