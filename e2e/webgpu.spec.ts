import { expect, test } from '@playwright/test';
import { downloadLayer, dropFiles, maxRelativeDifference, photoFile, readGolden, relativeErrorAgainstGolden, samplePath, waitForModel, waitForResult } from './helpers';

// Runs in the 'webgpu' project: Chromium with SwiftShader's software WebGPU adapter.
const TAPS = ['features.0.0', 'features.1.1', 'features.3.1', 'features.5.5', 'features.7.1', 'logits'];
const golden = readGolden();

test('the WebGPU path runs and matches WASM within 1e-3', async ({ page, context }) => {
  test.slow();
  await page.goto('./?backend=webgpu');
  await waitForModel(page, 'webgpu');
  await expect(page.getByTestId('backend-fallback')).toHaveCount(0); // no fallback notice
  await dropFiles(page, [photoFile(samplePath('coffee.png'))]);
  await waitForResult(page, 'coffee.png');
  await expect(page.getByTestId('backend')).toContainText('webgpu');
  await page.screenshot({ path: 'screenshots/webgpu.png' });

  const wasmPage = await context.newPage();
  await wasmPage.goto('./?backend=wasm');
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
