/**
 * Bring your own model: plain torch.onnx.export files (no manifest, no extra outputs)
 * made by model/make_test_models.py, dropped on the page, loaded from a URL, cached,
 * and the error cases. Every intermediate tensor checked here is compared with
 * PyTorch's value (forward hooks) for coffee.png.
 */
import { copyFileSync, mkdirSync, readdirSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { resolve } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { ensureTestModels, readTestGolden, TEST_MODELS_DIR, type TestModelGolden } from '../src/model/testing/testModels';
import { downloadLayer, dropFiles, photoFile, relativeErrorAgainstGolden, ROOT, samplePath, summary, waitForModel, waitForResult } from './helpers';

/** Served by the preview server (it serves dist/ as it is on disk). */
const SERVED = 'byo-test-models';

test.beforeAll(() => {
  ensureTestModels();
  const dir = resolve(ROOT, 'dist', SERVED);
  mkdirSync(dir, { recursive: true });
  for (const f of readdirSync(TEST_MODELS_DIR)) copyFileSync(resolve(TEST_MODELS_DIR, f), resolve(dir, f));
});
test.setTimeout(240_000);

const status = (page: Page) => page.locator('p[role="status"]');

/** Fetches files from the preview server inside the page and drops them with a real drop event. */
async function dropServedFiles(page: Page, names: string[]): Promise<void> {
  await page.evaluate(
    async ({ names, folder }) => {
      const dt = new DataTransfer();
      for (const name of names) {
        const response = await fetch(`${folder}/${name}`);
        if (!response.ok) throw new Error(`${name}: ${response.status}`);
        dt.items.add(new File([await response.blob()], name, { type: '' }));
      }
      for (const type of ['dragenter', 'dragover', 'drop']) {
        document.body.dispatchEvent(new DragEvent(type, { dataTransfer: dt, bubbles: true, cancelable: true }));
      }
    },
    { names, folder: SERVED },
  );
}

async function waitForForeignModel(page: Page, fileName: string): Promise<void> {
  await expect(status(page)).toContainText(fileName, { timeout: 180_000 });
  await expect(status(page)).toHaveAttribute('data-status', 'ready', { timeout: 180_000 });
}

async function groupLabels(page: Page): Promise<string[]> {
  return page.getByLabel('Layer', { exact: true }).locator('optgroup').evaluateAll((gs) => gs.map((g) => (g as HTMLOptGroupElement).label));
}

/** Value of the picker option that shows the given ONNX node (its title), and its group's label. */
async function optionForNode(page: Page, node: string): Promise<{ value: string; group: string }> {
  const option = page.getByLabel('Layer', { exact: true }).locator(`option[title="${node}"]`);
  await expect(option).toHaveCount(1);
  return option.evaluate((o: HTMLOptionElement) => ({ value: o.value, group: (o.parentElement as HTMLOptGroupElement).label }));
}

/** Runs coffee.png and checks every golden tap (and the logits) against PyTorch. */
async function checkAgainstPyTorch(page: Page, golden: TestModelGolden): Promise<void> {
  await dropFiles(page, [photoFile(samplePath('coffee.png'))]);
  await waitForResult(page, 'coffee.png');
  for (const g of golden.taps) {
    const { value, group } = await optionForNode(page, g.node);
    expect(group, `${g.module} group`).toContain(`${g.shape[1]}×${g.shape[2]}`);
    const { shape, data } = await downloadLayer(page, value);
    expect(shape, g.module).toEqual(g.shape);
    expect(relativeErrorAgainstGolden(data, g), `${g.module} samples`).toBeLessThan(1e-3);
    const s = summary(data);
    const scale = Math.max(Math.abs(g.min), Math.abs(g.max));
    expect(Math.abs(s.mean - g.mean) / scale, `${g.module} mean`).toBeLessThan(1e-3);
    expect(Math.abs(s.max - g.max) / scale, `${g.module} max`).toBeLessThan(1e-3);
  }
  const logits = await downloadLayer(page, 'logits');
  expect(logits.shape).toEqual([golden.numClasses]);
  expect(relativeErrorAgainstGolden(logits.data, golden.logits), 'logits').toBeLessThan(1e-3);
}

test.beforeEach(async ({ page }) => {
  await page.goto('./');
  await waitForModel(page);
});

const STAGES_224 = ['Stage 1 · 112×112', 'Stage 2 · 56×56', 'Stage 3 · 28×28', 'Stage 4 · 14×14', 'Stage 5 · 7×7', 'Head'];

for (const id of ['resnet18', 'mobilenet-v3-small']) {
  test(`a dropped torchvision ${id} shows every stage, grouped by size, matching PyTorch`, async ({ page }) => {
    const golden = readTestGolden(id);
    await dropServedFiles(page, [`${id}.onnx`]);
    await waitForForeignModel(page, `${id}.onnx`);
    expect(await groupLabels(page)).toEqual(STAGES_224);
    await expect(page.getByTestId('model-input')).toContainText('ImageNet-1k labels');
    await expect(page.getByLabel('Model', { exact: true })).toHaveValue('__foreign__');
    await checkAgainstPyTorch(page, golden);
    await expect(page.locator('.predictions__label')).toHaveCount(5);
    await page.screenshot({ path: `screenshots/byo-${id}.png`, fullPage: true });
  });
}

test('a dropped plain export of our ConvNeXt-Atto shows its stem and every stage, matching PyTorch', async ({ page }) => {
  const golden = readTestGolden('convnext-atto');
  await dropServedFiles(page, ['convnext-atto.onnx']);
  await waitForForeignModel(page, 'convnext-atto.onnx');
  expect(await groupLabels(page)).toEqual(['Stage 1 · 56×56', 'Stage 2 · 28×28', 'Stage 3 · 14×14', 'Stage 4 · 7×7', 'Head']);
  await checkAgainstPyTorch(page, golden);
  // The channel-last tensors inside the blocks (LayerNorm, Linear, GELU) are not offered as maps.
  const ops = await page.getByLabel('Layer', { exact: true }).locator('option').allTextContents();
  expect(ops.some((t) => t.includes('LayerNormalization'))).toBe(false);
  await page.screenshot({ path: 'screenshots/byo-convnext-atto.png', fullPage: true });
});

test('a dropped NHWC model with labels in its metadata runs, and a dropped labels.txt renames its classes', async ({ page }) => {
  const golden = readTestGolden('tiny-nhwc');
  await dropServedFiles(page, ['tiny-nhwc.onnx']);
  await waitForForeignModel(page, 'tiny-nhwc.onnx');
  await expect(page.getByTestId('model-input')).toContainText('NHWC 1×64×64×3');
  await expect(page.getByTestId('model-input')).toContainText('5 labels from the model');
  expect(await groupLabels(page)).toEqual(['Stage 1 · 32×32', 'Stage 2 · 16×16', 'Head']);
  await checkAgainstPyTorch(page, golden);
  const shown = await page.locator('.predictions__label').allTextContents();
  expect(shown.toSorted()).toEqual(golden.labels!.toSorted());

  const renamed = ['one', 'two', 'three', 'four', 'five'];
  await dropFiles(page, [{ name: 'labels.txt', mimeType: 'text/plain', buffer: Buffer.from(renamed.join('\n') + '\n') }]);
  await expect(page.getByTestId('model-input')).toContainText('5 labels from your labels.txt');
  expect((await page.locator('.predictions__label').allTextContents()).toSorted()).toEqual(renamed.toSorted());
  await page.screenshot({ path: 'screenshots/byo-tiny-nhwc.png', fullPage: true });
});

test('a model with external weights, dropped together with its data file, runs and matches PyTorch', async ({ page }) => {
  const golden = readTestGolden('tiny-nhwc-external');
  await dropServedFiles(page, golden.files);
  await waitForForeignModel(page, 'tiny-nhwc-external.onnx');
  await checkAgainstPyTorch(page, golden);
});

test('errors say what is wrong and leave the previous model working', async ({ page }) => {
  const tooLarge = resolve(tmpdir(), `convlens-too-large-${process.pid}.onnx`);
  writeFileSync(tooLarge, '');
  truncateSync(tooLarge, 1_600_000_000); // sparse: nothing is written, and the page must not read it
  const cases: { drop: () => Promise<void>; message: RegExp }[] = [
    { drop: () => dropFiles(page, [{ name: 'notes.onnx', mimeType: '', buffer: Buffer.from('These are my notes, not a model.\n'.repeat(20)) }]), message: /"notes\.onnx": This file is not an ONNX model/ },
    { drop: () => dropServedFiles(page, ['no-image-input.onnx']), message: /no image-like input.*"features" \[1, 10\]/ },
    { drop: () => dropServedFiles(page, ['unsupported-op.onnx']), message: /operator that onnxruntime-web cannot run on WASM.*Mystery/ },
    { drop: () => page.getByLabel('Choose model').setInputFiles(tooLarge), message: /1600\.0 MB, more than the 1500\.0 MB/ },
  ];
  try {
    const photos = ['rocket.jpg', 'coffee.png'];
    for (const [i, c] of cases.entries()) {
      await c.drop();
      await expect(page.getByRole('alert')).toContainText(c.message, { timeout: 60_000 });
      await expect(status(page)).toHaveAttribute('data-status', 'ready');
      await expect(status(page)).toContainText('ConvNeXt-Atto');
      if (i === 0) await page.screenshot({ path: 'screenshots/byo-error.png' });
      // The previous model still runs photos.
      const photo = photos[i % 2]!;
      await dropFiles(page, [photoFile(samplePath(photo))]);
      await waitForResult(page, photo);
      await expect(page.locator('[aria-label="features.0.0 channel 0"]')).toBeVisible();
      // The error goes away once the next photo succeeds.
      await expect(page.getByRole('alert')).toHaveCount(0);
    }
  } finally {
    rmSync(tooLarge, { force: true });
  }
});

test('the Model URL field loads a model from the server, and the Model menu goes back to a bundled one', async ({ page }) => {
  await page.getByLabel('Model URL').fill(`${SERVED}/tiny-nhwc.onnx`);
  await page.getByRole('button', { name: 'Load model', exact: true }).click();
  await waitForForeignModel(page, 'tiny-nhwc.onnx');
  expect(new URL(page.url()).searchParams.get('model')).toMatch(/byo-test-models\/tiny-nhwc\.onnx$/);
  await dropFiles(page, [photoFile(samplePath('coffee.png'))]);
  await waitForResult(page, 'coffee.png');
  await page.getByLabel('Model', { exact: true }).selectOption('convnext-atto-untrained');
  await expect(status(page)).toContainText('ConvNeXt-Atto', { timeout: 120_000 });
  await waitForResult(page, 'coffee.png');
  expect(new URL(page.url()).searchParams.get('model')).toBeNull();
});

test('?model=<url> loads a model, a reload takes it from the cache without downloading, and the cache can be cleared', async ({ page, context }) => {
  let requests = 0;
  context.on('response', (r) => {
    // The page's own address also ends in .onnx (?model=…): count only requests for the file,
    // and only those that reached the server (the offline service worker relays the page's).
    if (new URL(r.url()).pathname.endsWith('/mobilenet-v3-small.onnx') && !r.fromServiceWorker()) requests++;
  });
  await page.evaluate(async () => caches.delete('convlens-models-v1'));
  await page.goto(`./?model=${SERVED}/mobilenet-v3-small.onnx`);
  await waitForForeignModel(page, 'mobilenet-v3-small.onnx');
  expect(requests).toBe(1);
  await expect(page.getByRole('list', { name: 'Cached models' })).toContainText(/mobilenet-v3-small\.onnx\s*10\.2 MB/);

  await page.reload();
  await waitForForeignModel(page, 'mobilenet-v3-small.onnx');
  await expect(status(page)).toContainText('from cache');
  expect(requests).toBe(1);

  // A dynamic-size model: the size can be changed, and the layer shapes follow.
  await page.getByLabel('Input size').fill('160');
  await page.getByRole('button', { name: 'Apply input settings' }).click();
  await expect(page.getByTestId('model-input')).toContainText('1×3×160×160');
  expect(await groupLabels(page)).toEqual(['Stage 1 · 80×80', 'Stage 2 · 40×40', 'Stage 3 · 20×20', 'Stage 4 · 10×10', 'Stage 5 · 5×5', 'Head']);
  await page.getByLabel('Input normalisation').selectOption('minus-one-one');
  await expect(page.getByTestId('model-input')).toContainText('1×3×160×160');
  await dropFiles(page, [photoFile(samplePath('coffee.png'))]);
  await waitForResult(page, 'coffee.png');
  await expect(page.getByRole('img', { name: /160×160 crop the model saw/ })).toBeVisible();
  await page.screenshot({ path: 'screenshots/byo-url-cached.png', fullPage: true });

  await page.getByRole('button', { name: 'Clear cached models' }).click();
  await expect(page.getByRole('list', { name: 'Cached models' })).toHaveCount(0);
  expect(await page.evaluate(async () => (await caches.keys()).includes('convlens-models-v1'))).toBe(false);
});

test('a foreign model re-runs photo A and photo B with their sample ids: the link keeps sample= and compare= and Compare shows the new model', async ({ page }) => {
  await page.goto('./?sample=coffee&compare=chelsea&view=compare');
  await waitForModel(page);
  const compare = page.getByTestId('compare');
  await expect(compare).toHaveAttribute('data-b', 'chelsea.png', { timeout: 120_000 });
  await expect(compare).toHaveAttribute('data-a', 'coffee.png');
  await dropServedFiles(page, ['resnet18.onnx']);
  await waitForForeignModel(page, 'resnet18.onnx');
  // Both photos ran again on resnet18: the compare view shows one of its layers for A and B.
  const tap = await page.getByLabel('Layer', { exact: true }).inputValue();
  expect(tap.startsWith('features.')).toBe(false);
  await expect(compare).toHaveAttribute('data-b', 'chelsea.png', { timeout: 120_000 });
  await expect(compare).toHaveAttribute('data-a', 'coffee.png');
  await expect(compare.locator(`[aria-label$="${tap} channel 0"]`)).toHaveCount(3);
  await expect(page).toHaveURL(/[?&]sample=coffee(&|$)/);
  await expect(page).toHaveURL(/[?&]compare=chelsea(&|$)/);
});
