import { expect, test } from '@playwright/test';
import { downloadLayer, dropFiles, maxRelativeDifference, photoFile, readGolden, relativeErrorAgainstGolden, samplePath, untrainedUrl, waitForModel, waitForResult } from './helpers';

// Runs in the 'webgpu' project: Chromium with SwiftShader's software WebGPU adapter.
const TAPS = ['features.0.0', 'features.1.1', 'features.3.1', 'features.5.5', 'features.7.1', 'logits'];
const golden = readGolden();

test('the WebGPU path runs and matches WASM within 1e-3', async ({ page, context }) => {
  test.slow();
  await page.goto(untrainedUrl('backend=webgpu'));
  await waitForModel(page, 'webgpu');
  await expect(page.getByTestId('backend-fallback')).toHaveCount(0); // no fallback notice
  await dropFiles(page, [photoFile(samplePath('coffee.png'))]);
  await waitForResult(page, 'coffee.png');
  await expect(page.getByTestId('backend')).toContainText('webgpu');
  await page.screenshot({ path: 'screenshots/webgpu.png' });

  const wasmPage = await context.newPage();
  await wasmPage.goto(untrainedUrl('backend=wasm'));
  await waitForModel(wasmPage, 'wasm');
  await dropFiles(wasmPage, [photoFile(samplePath('coffee.png'))]);
  await waitForResult(wasmPage, 'coffee.png');

  for (const tap of TAPS) {
    const gpu = await downloadLayer(page, tap);
    const cpu = await downloadLayer(wasmPage, tap);
    expect(gpu.shape).toEqual(cpu.shape);
    expect(maxRelativeDifference(gpu.data, cpu.data), `${tap} webgpu vs wasm`).toBeLessThan(1e-3);
    expect(relativeErrorAgainstGolden(gpu.data, golden.taps[tap]!), `${tap} webgpu vs PyTorch`).toBeLessThan(1e-3);
  }
});

test('the default shapes network on WebGPU gives the top-5 of PyTorch', async ({ page }) => {
  test.slow();
  const shapes = readGolden('convnext-atto-shapes');
  await page.goto('./?backend=webgpu');
  await waitForModel(page, 'webgpu');
  await dropFiles(page, [photoFile(samplePath('coffee.png'))]);
  await waitForResult(page, 'coffee.png');
  await expect(page.getByTestId('backend')).toContainText('webgpu');
  expect(await page.locator('.predictions__label').allTextContents()).toEqual(shapes.top5.map((p) => p.label));
  const probabilities = (await page.locator('.predictions__p').allTextContents()).map((t) => parseFloat(t) / 100);
  // fp16 weights (float32 compute) against float32 PyTorch: within half a percentage point.
  shapes.top5.forEach((p, i) => expect(Math.abs(probabilities[i]! - p.probability)).toBeLessThanOrEqual(0.005));
});
