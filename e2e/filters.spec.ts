/**
 * The *Filters* view (issue 27): the stem's 40 RGB filters, a depthwise layer's kernels and a
 * linear layer's heat map on the default model, a foreign model's stem; *Download weights
 * (.npy)* equal to the ONNX initializer the page names, bit for bit (read here by the onnx
 * package's numpy_helper, model/initializer_npy.py, float16 widened to float32); the drawn pixels equal the documented mapping; axe-core finds
 * nothing serious in the view; every weight of the selected filter is in a table as text.
 */
import AxeBuilder from '@axe-core/playwright';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { decodeNpy } from '../src/render/npy';
import { ensureTestModels, testModelPath } from '../src/model/testing/testModels';
import { DEFAULT_MODEL_ID, ROOT, waitForModel, waitForResult } from './helpers';

test.setTimeout(240_000);
const SHOTS = process.env.FILTERS_SHOTS ?? resolve(ROOT, 'test-results/filters-shots');

/** The initializer the view names in its caption, read from the .onnx file by the onnx package (not by the page). */
async function initializerNamed(page: Page, modelPath: string): Promise<{ name: string; data: Float32Array }> {
  const caption = await page.getByTestId('filters-caption').textContent();
  const name = /Its weight is the initializer (\S+), shape/.exec(caption ?? '')?.[1];
  if (!name) throw new Error(`no initializer named in "${caption}"`);
  const dir = mkdtempSync(join(tmpdir(), 'filters-e2e-'));
  execFileSync(process.env.CONVLENS_PYTHON ?? '/usr/bin/python3', [resolve(ROOT, 'model/initializer_npy.py'), modelPath, dir, name], { timeout: 120_000 });
  return { name, data: decodeNpy(new Uint8Array(readFileSync(join(dir, '0.npy')))).data };
}

function sameBits(a: Float32Array, b: Float32Array): boolean {
  return a.length === b.length && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

async function downloadWeights(page: Page): Promise<{ shape: number[]; data: Float32Array; fileName: string }> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download weights (.npy)' }).click()]);
  return { ...decodeNpy(new Uint8Array(readFileSync(await download.path()))), fileName: download.suggestedFilename() };
}

async function seriousViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).include('[data-testid=filters]').analyze();
  return results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(' ')}`));
}

async function showLayer(page: Page, tap: string, kind: string): Promise<void> {
  await page.getByLabel('Layer', { exact: true }).selectOption(tap);
  await expect(page.getByTestId('filters')).toHaveAttribute('data-tap', tap);
  await expect(page.getByTestId('filters')).toHaveAttribute('data-kind', kind);
}

async function shoot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: resolve(SHOTS, `${name}.png`) });
}

test('default model: the stem’s 40 RGB filters, depthwise kernels, a linear heat map, and weights equal to the ONNX file', async ({ page }) => {
  const model = resolve(ROOT, 'public/models', DEFAULT_MODEL_ID, 'model.onnx');
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.goto('./?sample=coffee&layer=features.0.0');
  await waitForModel(page);
  await waitForResult(page, 'coffee.png');
  await page.getByRole('group', { name: 'View' }).getByRole('button', { name: 'Filters', exact: true }).click();
  await expect(page).toHaveURL(/view=filters/);
  const view = page.getByRole('region', { name: 'Filters' });
  await expect(view).toHaveAttribute('data-kind', 'rgb');

  // The stem: 40 filters, each 4×4 RGB pixels on the layer-wide scale 127.5 + 127.5·w/max|w|.
  const stem = await initializerNamed(page, model);
  expect(stem.name).toBe('model.features.0.0.weight__fp16');
  await expect(view.getByRole('button', { name: /^features\.0\.0 filter \d+$/ })).toHaveCount(40);
  const maxAbs = stem.data.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  for (const c of [0, 17, 39]) {
    const pixels = await view.getByRole('button', { name: `features.0.0 filter ${c}`, exact: true }).locator('canvas').evaluate((el: HTMLCanvasElement) => Array.from(el.getContext('2d')!.getImageData(0, 0, el.width, el.height).data));
    const want = new Uint8ClampedArray(16 * 4);
    for (let p = 0; p < 16; p++) {
      for (let ch = 0; ch < 3; ch++) want[p * 4 + ch] = 127.5 + (127.5 * stem.data[c * 48 + ch * 16 + p]!) / maxAbs;
      want[p * 4 + 3] = 255;
    }
    expect(pixels, `filter ${c}'s pixels`).toEqual(Array.from(want));
  }
  const got = await downloadWeights(page);
  expect(got.shape).toEqual([40, 3, 4, 4]);
  expect(got.fileName).toBe('model.features.0.0.weight__fp16.npy');
  expect(sameBits(got.data, stem.data), 'the download equals the float16 initializer widened to float32').toBe(true);

  // Every number as text: filter 17's table, all 48 weights to 4 significant digits.
  await view.getByRole('button', { name: 'features.0.0 filter 17', exact: true }).click();
  const cells = await view.getByRole('table', { name: /features\.0\.0 filter 17 weights on the (red|green|blue) input/ }).locator('td').allTextContents();
  expect(cells.map(Number)).toEqual(Array.from(stem.data.subarray(17 * 48, 18 * 48), (v) => Number(v.toPrecision(4))));
  expect(await seriousViolations(page)).toEqual([]);
  await shoot(page, 'stem-1280');
  await view.screenshot({ path: resolve(SHOTS, 'stem-view.png') });

  // A depthwise layer: one 7×7 kernel per channel, in the grid's order and window.
  await showLayer(page, 'features.3.0.block.0', 'kernels');
  await expect(view.getByRole('button', { name: /^features\.3\.0\.block\.0 filter \d+$/ })).toHaveCount(80);
  await page.getByLabel('Sort channels').selectOption('mean');
  await page.getByLabel('Channels shown').fill('12');
  const tiles = view.getByTestId('filter-tiles');
  await expect(view.getByRole('button', { name: /^features\.3\.0\.block\.0 filter \d+$/ })).toHaveCount(12);
  const filterOrder = await tiles.getAttribute('data-channels');
  await page.getByRole('group', { name: 'View' }).getByRole('button', { name: 'Channels', exact: true }).click();
  await expect(page.getByTestId('channel-grid')).toHaveAttribute('data-channels', filterOrder!);
  expect(filterOrder).not.toBe(Array.from({ length: 12 }, (_, i) => i).join(','));
  await page.getByRole('group', { name: 'View' }).getByRole('button', { name: 'Filters', exact: true }).click();
  const first = Number(filterOrder!.split(',')[0]);
  await view.getByRole('button', { name: `features.3.0.block.0 filter ${first}`, exact: true }).click();
  const dw = await initializerNamed(page, model);
  expect(dw.name).toBe('model.features.3.0.block.0.weight__fp16');
  const kernelCells = await view.getByRole('table', { name: `features.3.0.block.0 filter ${first} weights kernel` }).locator('td').allTextContents();
  expect(kernelCells.map(Number)).toEqual(Array.from(dw.data.subarray(first * 49, (first + 1) * 49), (v) => Number(v.toPrecision(4))));
  expect(sameBits((await downloadWeights(page)).data, dw.data)).toBe(true);
  expect(await seriousViolations(page)).toEqual([]);
  await shoot(page, 'depthwise-1280');

  // A linear layer behind its GELU (stored [in, out] = 80×320 for MatMul): the heat map is outputs × inputs.
  await showLayer(page, 'features.3.0.block.4', 'matrix');
  const heatmap = view.getByTestId('weight-heatmap');
  await expect(heatmap).toHaveAttribute('width', '80');
  await expect(heatmap).toHaveAttribute('height', '320');
  await view.getByLabel('Output channel (row)').fill('5');
  await expect(view.getByTestId('heatmap-row')).toHaveAttribute('data-row', '5');
  const mlp = await initializerNamed(page, model);
  const linear = await downloadWeights(page);
  expect(linear.shape).toEqual([80, 320]);
  expect(sameBits(linear.data, mlp.data)).toBe(true);
  // Row 5 of the table is column 5 of the stored [in, out] matrix.
  await expect(view.locator('details.filters__tables')).toHaveAttribute('open');
  const rowCells = await view.getByRole('table', { name: /features\.3\.0\.block\.4 filter 5 weights row/ }).locator('td').allTextContents();
  expect(rowCells.map(Number)).toEqual(Array.from({ length: 80 }, (_, i) => Number(mlp.data[i * 320 + 5]!.toPrecision(4))));
  expect(await seriousViolations(page)).toEqual([]);
  await shoot(page, 'linear-1280');

  // The class head (Gemm, transB): 8 classes × 320 inputs; a click on a row picks that class.
  await showLayer(page, 'logits', 'matrix');
  await expect(heatmap).toHaveAttribute('height', '8');
  const box = (await heatmap.boundingBox())!;
  await heatmap.click({ position: { x: box.width / 2, y: (box.height * 2.5) / 8 } });
  await expect(view.getByTestId('heatmap-row')).toHaveAttribute('data-row', '2');

  // A residual add has no weights of its own, and says so.
  await showLayer(page, 'features.3.0', 'none');
  await expect(view.getByTestId('no-weights')).toContainText('no weights of its own');
  await expect(page.getByRole('button', { name: 'Download weights (.npy)' })).toBeDisabled();

  await page.setViewportSize({ width: 390, height: 844 });
  await showLayer(page, 'features.0.0', 'rgb');
  await shoot(page, 'stem-390');
});

test('a foreign model (torchvision mobilenet_v3_small, dropped): its RGB stem and depthwise kernels, weights equal to the file', async ({ page }) => {
  ensureTestModels();
  const path = testModelPath('mobilenet-v3-small.onnx');
  await page.route('**/filters-test-models/*', (route) => route.fulfill({ path }));
  await page.goto('./?sample=coffee&view=filters');
  await waitForModel(page);
  await page.evaluate(async () => {
    const dt = new DataTransfer();
    dt.items.add(new File([await (await fetch('filters-test-models/mobilenet-v3-small.onnx')).blob()], 'mobilenet-v3-small.onnx'));
    for (const type of ['dragenter', 'dragover', 'drop']) document.body.dispatchEvent(new DragEvent(type, { dataTransfer: dt, bubbles: true, cancelable: true }));
  });
  await expect(page.locator('p[role="status"]')).toContainText('mobilenet-v3-small.onnx', { timeout: 180_000 });
  await expect(page.locator('p[role="status"]')).toHaveAttribute('data-status', 'ready', { timeout: 180_000 });
  const view = page.getByRole('region', { name: 'Filters' });
  const stemOption = page.getByLabel('Layer', { exact: true }).locator('option[title="/features/features.0/features.0.0/Conv"]');
  await page.getByLabel('Layer', { exact: true }).selectOption(await stemOption.getAttribute('value'));
  await expect(view).toHaveAttribute('data-kind', 'rgb');
  await expect(view.getByTestId('filter-tiles').getByRole('button')).toHaveCount(16);
  const stem = await initializerNamed(page, path);
  const got = await downloadWeights(page);
  expect(got.shape).toEqual([16, 3, 3, 3]);
  expect(sameBits(got.data, stem.data)).toBe(true);
  expect(await seriousViolations(page)).toEqual([]);

  const dwOption = page.getByLabel('Layer', { exact: true }).locator('option[title="/features/features.1/block/block.0/block.0.0/Conv"]');
  await page.getByLabel('Layer', { exact: true }).selectOption(await dwOption.getAttribute('value'));
  await expect(view).toHaveAttribute('data-kind', 'kernels');
  const dw = await initializerNamed(page, path);
  expect(sameBits((await downloadWeights(page)).data, dw.data)).toBe(true);
  await shoot(page, 'foreign-depthwise-1280');
});
