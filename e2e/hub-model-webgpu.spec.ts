/**
 * Runs in the 'webgpu' project: the Hub-style ConvNeXt's fp16 file with WebGPU asked for.
 * Where the adapter has shader-f16, float16 maps come back through the one-copy GPU
 * read-back and are converted to float32; SwiftShader (this machine) has no f16, so the
 * app must fall back to WASM and say why. Either way the maps must equal PyTorch's.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect, test } from '@playwright/test';
import { readPreprocessorConfig } from '../src/model/hfPreprocessor';
import { serveHubModelFiles, type HubTestRepo } from '../src/model/testing/hubModel';
import { downloadLayer, dropFiles, photoFile, relativeErrorAgainstGolden, samplePath, waitForModel, waitForResult } from './helpers';

const SERVED = 'hubmodel-test';
let repo: HubTestRepo;

test.beforeAll(() => {
  repo = serveHubModelFiles(SERVED);
});

for (const file of ['model_fp16.onnx']) {
  test(`the Hub-style ConvNeXt ${file} with WebGPU asked for runs (or falls back, saying f16) and matches PyTorch`, async ({ page }) => {
    test.slow();
    await page.goto('./?backend=webgpu&debug');
    await waitForModel(page, 'webgpu');
    await page.evaluate(
      async ({ name, folder }) => {
        const response = await fetch(`${folder}/${name}`);
        const dt = new DataTransfer();
        dt.items.add(new File([await response.blob()], name, { type: '' }));
        for (const type of ['dragenter', 'dragover', 'drop']) document.body.dispatchEvent(new DragEvent(type, { dataTransfer: dt, bubbles: true, cancelable: true }));
      },
      { name: file, folder: SERVED },
    );
    const status = page.locator('p[role="status"]');
    await expect(status).toContainText(file, { timeout: 240_000 });
    await expect(status).toHaveAttribute('data-status', 'ready', { timeout: 240_000 });
    const preprocessing = readPreprocessorConfig(JSON.parse(readFileSync(resolve(repo.dir, 'preprocessor_config.json'), 'utf8')));
    await page.evaluate((p) => window.__convlens!.configureInput({ preprocessing: p }), preprocessing);
    await expect(status).toHaveAttribute('data-status', 'ready');
    await dropFiles(page, [photoFile(samplePath('coffee.png'))]);
    await waitForResult(page, 'coffee.png');
    const backend = (await page.getByTestId('backend').textContent()) ?? '';
    const fallback = (await page.getByTestId('backend-fallback').allTextContents()).join(' ');
    if (backend.includes('webgpu')) expect(fallback).toBe('');
    else expect(fallback).toMatch(/WebGPU session failed .*f16.*using WASM/);
    for (const g of repo.reference.taps) {
      const { data } = await downloadLayer(page, g.tap);
      expect(relativeErrorAgainstGolden(data, g), `${g.tap} webgpu vs PyTorch`).toBeLessThan(1e-3);
    }
    const logits = await downloadLayer(page, 'logits');
    expect(relativeErrorAgainstGolden(logits.data, repo.reference.logits), 'logits').toBeLessThan(1e-3);
  });
}
