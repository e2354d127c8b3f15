/**
 * The *Why* view: the class evidence identity (map sum + constant = the model's logit) and
 * occlusion maps checked against onnxruntime-node computing the same definition, for the
 * untrained ConvNeXt-Atto and a dropped torchvision resnet18; Cancel, and a new photo cancelling.
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { ensureTestModels, TEST_MODELS_DIR } from '../src/model/testing/testModels';
import { dropFiles, photoFile, ROOT, samplePath, untrainedUrl, waitForModel, waitForResult } from './helpers';
import { downloadWhyMap, errorOfRange, identity, occlusionReference, openWhy, referenceInput, runOcclusionInPage, whyClass } from './why-helpers';

const SERVED = 'why-test-models';
test.setTimeout(300_000);

test.beforeAll(() => {
  ensureTestModels();
  mkdirSync(resolve(ROOT, 'dist', SERVED), { recursive: true });
  copyFileSync(resolve(TEST_MODELS_DIR, 'resnet18.onnx'), resolve(ROOT, 'dist', SERVED, 'resnet18.onnx'));
});

// Opened on the untrained ConvNeXt-Atto: its 101 Food-101 classes and float32 weights.
test.beforeEach(async ({ page }) => {
  await page.goto(untrainedUrl());
  await waitForModel(page);
});

async function checkIdentity(page: Page): Promise<void> {
  const id = await identity(page);
  expect(id.text).toMatch(/^map sum −?\d+\.\d\d \+ constant −?\d+\.\d\d = logit −?\d+\.\d\d/);
  expect(Math.abs(id.mapSum + id.constant - id.modelLogit) / Math.max(Math.abs(id.modelLogit), 1e-6)).toBeLessThan(1e-4);
  expect(Math.abs(id.logit - id.modelLogit) / Math.max(Math.abs(id.modelLogit), 1e-6)).toBeLessThan(1e-4);
}

test('untrained ConvNeXt-Atto: the identity holds on the page and the occlusion map equals onnxruntime-node', async ({ page }) => {
  await dropFiles(page, [photoFile(samplePath('coffee.png'))]);
  await waitForResult(page, 'coffee.png');
  await openWhy(page);
  // The old overlay panel (and its opacity slider) is hidden while this view shows its own.
  await expect(page.getByLabel('Overlay opacity')).toHaveCount(1);
  await expect(page.getByTestId('why-caveat')).toContainText('explain nothing learned');
  await checkIdentity(page);
  const cls = await whyClass(page);
  // Another class from the full list: the identity holds for it too.
  await page.getByLabel('Filter classes').fill('waffles');
  await page.getByLabel('Class', { exact: true }).selectOption({ label: 'waffles' });
  await checkIdentity(page);
  const evidence = await downloadWhyMap(page);
  expect(evidence.shape).toEqual([7, 7]);
  await page.getByLabel('Class', { exact: true }).selectOption(String(cls));
  await page.getByLabel('Filter classes').fill('');
  await checkIdentity(page);
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.getByRole('region', { name: 'Why this prediction' }).screenshot({ path: 'screenshots/why-class-evidence.png' });

  await runOcclusionInPage(page, 32, 16);
  const got = await downloadWhyMap(page);
  expect(got.shape).toEqual([13, 13]);
  const want = await occlusionReference(resolve(ROOT, 'public/models/convnext-atto-untrained/model.onnx'), referenceInput('convnext-atto-untrained'), cls, 32, 16);
  expect(errorOfRange(got.data, want.map)).toBeLessThan(1e-4);
  await expect(page.getByTestId('why-canvas')).toHaveAttribute('aria-label', /Occlusion for .* 13×13 positions, stride 16 px/);
  // Hovering reads a value of the map.
  await page.getByTestId('why-canvas').hover({ position: { x: 5, y: 5 } });
  await expect(page.getByTestId('why-hover')).toContainText('Row 0, column 0:');
  await page.screenshot({ path: 'screenshots/why-occlusion.png' });
});

test('Cancel stops an occlusion; a new photo stops it too and the page stays usable', async ({ page }) => {
  await dropFiles(page, [photoFile(samplePath('coffee.png'))]);
  await waitForResult(page, 'coffee.png');
  await openWhy(page);
  await page.getByLabel('Method', { exact: true }).selectOption('occlusion');
  await page.getByLabel('Patch size').fill('16');
  await page.getByLabel('Stride').fill('8'); // 27×27 = 729 patches: long enough to cancel
  await page.getByRole('button', { name: 'Run occlusion' }).click();
  const bar = page.getByRole('progressbar', { name: 'Occlusion progress' });
  await expect(bar).toBeVisible();
  await expect(page.getByTestId('why-progress-text')).toHaveText(/^[1-9]\d* of 729 patches$/);
  // The page answers while the worker is busy: the class filter still types.
  await page.getByLabel('Filter classes').fill('sushi');
  await expect(page.getByLabel('Filter classes')).toHaveValue('sushi');
  await page.getByRole('button', { name: 'Cancel occlusion' }).click();
  await expect(bar).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Download map (.npy)' })).toHaveCount(0);
  await expect(page.getByRole('alert')).toHaveCount(0);

  await page.getByRole('button', { name: 'Run occlusion' }).click();
  await expect(page.getByTestId('why-progress-text')).toHaveText(/^[1-9]\d* of 729 patches$/);
  await page.getByRole('button', { name: 'Channels', exact: true }).click();
  await dropFiles(page, [photoFile(samplePath('chelsea.png'))]);
  await waitForResult(page, 'chelsea.png');
  await openWhy(page);
  await expect(page.getByRole('progressbar')).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Download map (.npy)' })).toHaveCount(0);
  await page.getByLabel('Method', { exact: true }).selectOption('evidence');
  await checkIdentity(page);
});

test('a dropped torchvision resnet18: exact evidence without LayerNorm, occlusion equals onnxruntime-node', async ({ page }) => {
  await page.evaluate(async (folder) => {
    const dt = new DataTransfer();
    dt.items.add(new File([await (await fetch(`${folder}/resnet18.onnx`)).blob()], 'resnet18.onnx'));
    for (const type of ['dragenter', 'dragover', 'drop']) document.body.dispatchEvent(new DragEvent(type, { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, SERVED);
  await expect(page.locator('p[role="status"]')).toContainText('resnet18.onnx', { timeout: 180_000 });
  await expect(page.locator('p[role="status"]')).toHaveAttribute('data-status', 'ready', { timeout: 180_000 });
  await dropFiles(page, [photoFile(samplePath('coffee.png'))]);
  await expect(page.locator('p[role="status"]')).toHaveAttribute('data-status', 'ready');
  await expect(page.getByTestId('channel-grid')).toHaveAttribute('data-photo', 'coffee.png', { timeout: 120_000 });
  await openWhy(page);
  await expect(page.getByTestId('why-caveat')).toHaveCount(0); // a foreign model counts as trained
  await checkIdentity(page);
  const cls = await whyClass(page);
  await runOcclusionInPage(page, 48, 32);
  const got = await downloadWhyMap(page);
  expect(got.shape).toEqual([6, 6]);
  const want = await occlusionReference(resolve(TEST_MODELS_DIR, 'resnet18.onnx'), referenceInput('resnet18'), cls, 48, 32);
  expect(errorOfRange(got.data, want.map)).toBeLessThan(1e-4);
});
