/**
 * The *Why* view on the WebGPU path (project 'webgpu': Chromium with SwiftShader's software
 * adapter): the class evidence identity and a batched occlusion map equal to onnxruntime-node.
 */
import { resolve } from 'node:path';
import { expect, test } from '@playwright/test';
import { dropFiles, photoFile, ROOT, samplePath, untrainedUrl, waitForModel, waitForResult } from './helpers';
import { downloadWhyMap, errorOfRange, identity, occlusionReference, openWhy, referenceInput, runOcclusionInPage, whyClass } from './why-helpers';

test('Why on WebGPU: identity holds and the occlusion map equals onnxruntime-node', async ({ page }) => {
  test.slow();
  await page.goto(untrainedUrl('backend=webgpu'));
  await waitForModel(page, 'webgpu');
  await dropFiles(page, [photoFile(samplePath('coffee.png'))]);
  await waitForResult(page, 'coffee.png');
  await expect(page.getByTestId('backend')).toContainText('webgpu');
  await openWhy(page);
  const id = await identity(page);
  expect(Math.abs(id.mapSum + id.constant - id.modelLogit) / Math.max(Math.abs(id.modelLogit), 1e-6)).toBeLessThan(1e-4);
  const cls = await whyClass(page);
  // 4 × 4 = 16 patches: two batches of 8 on the GPU.
  await runOcclusionInPage(page, 56, 56);
  await expect(page.getByTestId('why-canvas')).toHaveAttribute('aria-label', /2 runs of 8|3 runs of 8/);
  const got = await downloadWhyMap(page);
  expect(got.shape).toEqual([4, 4]);
  const want = await occlusionReference(resolve(ROOT, 'public/models/convnext-atto-untrained/model.onnx'), referenceInput('convnext-atto-untrained'), cls, 56, 56);
  // GPU float arithmetic: the same 1e-4-of-range bound as WASM would be too tight here; 1e-3 as the WebGPU parity spec.
  expect(errorOfRange(got.data, want.map)).toBeLessThan(1e-3);
});
