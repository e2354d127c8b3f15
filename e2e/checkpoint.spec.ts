/**
 * Issue 26: trained ConvNeXts from their own checkpoints, read and built into a graph in the
 * page, through every source: a drop and *Choose model* (the tutorial's torchvision .pth with
 * its labels), *Hugging Face model* repos with only model.safetensors or pytorch_model.bin
 * (the HTTPS Hub mirror of e2e/hubMirror.ts), the presets and the one-click offer; and the
 * files that must be refused with a sentence while the previous model stays.
 * Checkpoints: model/make_checkpoints.py (seeded, saved as each library saves them, with
 * PyTorch's output of every module on coffee.png) and src/checkpoint/fixtures/ (the readers' own).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { BASE_ARGS, CHROMIUM_PATH } from './chromium';
import { downloadLayer, dropFiles, photoFile, ROOT, samplePath, untrainedUrl, waitForModel, waitForResult } from './helpers';
import { CDN_HOST, mirrorArgs, startHubMirror, type HubMirror, type MirrorRepo } from './hubMirror';
import { ensureCheckpointFixtures, loadCheckpointCase, type CheckpointCase } from '../src/checkpoint/testing/checkpointFixtures';
import { FOOD101_LABELS } from '../src/checkpoint/food101Labels';

const MIRROR_PORT = Number(process.env.E2E_PORT ?? 4173) + 100;
const SHOTS = process.env.E2E_SHOTS ?? 'screenshots';
const ATTO = 'timm/convnext_atto.d2_in1k';
const V2_BIN = 'convlens-test/convnextv2-bin';
const FEMTO = 'lakshyaM/convnextv2_femto_food101';

test.use({ launchOptions: { executablePath: CHROMIUM_PATH, args: [...BASE_ARGS, '--disable-gpu', ...mirrorArgs(MIRROR_PORT)] } });

let mirror: HubMirror;
let tutorial: CheckpointCase;

function repo(id: string, caseName: string, files: string[]): MirrorRepo {
  const dir = resolve(ROOT, 'model/.cache/checkpoints', caseName);
  return { id, files: Object.fromEntries(files.map((f) => [f, readFileSync(resolve(dir, f))])) };
}

const fixture = (name: string, as = name) => ({ name: as, mimeType: 'application/octet-stream', buffer: readFileSync(resolve(ROOT, 'src/checkpoint/fixtures', name)) });

test.beforeAll(async () => {
  ensureCheckpointFixtures();
  tutorial = loadCheckpointCase('torchvision-food101');
  mirror = await startHubMirror(MIRROR_PORT, [
    repo(ATTO, 'timm-atto', ['model.safetensors', 'config.json']),
    repo(V2_BIN, 'hf-convnextv2-bin', ['pytorch_model.bin', 'config.json', 'preprocessor_config.json']),
    // Stands in for the Food-101 ConvNeXt V2-Femto preset: a transformers ConvNeXt V2 saved as model.safetensors.
    repo(FEMTO, 'hf-convnext', ['model.safetensors', 'config.json', 'preprocessor_config.json']),
    { id: 'convlens-test/huge-checkpoint', files: { 'model.safetensors': Buffer.from('x') }, listedSizes: { 'model.safetensors': 3_000_000_000 } },
  ]);
  mirror.otherSite.set(`/models/${tutorial.file}`, readFileSync(resolve(tutorial.dir, tutorial.file)));
});
test.afterAll(async () => {
  await mirror?.close();
});
test.beforeEach(() => {
  mirror.requests.length = 0;
});

const status = (page: Page) => page.locator('p[role="status"]');
/** Downloads of the Atto's weights from the file CDN the Hub redirects LFS files to. */
const safetensorsGets = () => mirror.requests.filter((r) => r.host === CDN_HOST && r.path.endsWith('/model.safetensors')).length;

async function waitForName(page: Page, name: string): Promise<void> {
  await expect(status(page)).toContainText(name, { timeout: 120_000 });
  await expect(status(page)).toHaveAttribute('data-status', 'ready', { timeout: 120_000 });
}

async function start(page: Page): Promise<void> {
  await page.goto(untrainedUrl());
  await waitForModel(page);
}

test('the tutorial: a torchvision .pth with a 101-way head chosen with its labels shows every layer under its own name, equal to PyTorch', async ({ page }) => {
  await start(page);
  const labels = FOOD101_LABELS.map((l) => `${l} (mine)`).join('\n');
  await page.getByLabel('Choose model').setInputFiles([
    { name: tutorial.file, mimeType: 'application/octet-stream', buffer: readFileSync(resolve(tutorial.dir, tutorial.file)) },
    { name: 'labels.txt', mimeType: 'text/plain', buffer: Buffer.from(labels) },
  ]);
  await waitForName(page, 'convnext_food101.pth');
  await expect(page.getByTestId('model-input')).toContainText('101 labels from your labels.txt');
  await expect(page.getByTestId('model-input-source')).toContainText("torchvision's ConvNeXt eval transform");
  await dropFiles(page, [photoFile(samplePath('coffee.png'))]);
  await waitForResult(page, 'coffee.png');
  await expect(page.getByRole('region', { name: 'Predictions' })).toContainText('(mine)');
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.screenshot({ path: `${SHOTS}/checkpoint-tutorial.png` });

  // Every module's output, named by the checkpoint's own paths; a spread of them downloaded and compared.
  const taps = tutorial.taps.filter((_, i) => i % 16 === 0 || i === tutorial.taps.length - 1);
  expect(taps.map((t) => t.name)).toContain('features.0.0');
  for (const tap of taps) {
    const { shape, data } = await downloadLayer(page, tap.name);
    expect(shape, tap.name).toEqual(tap.shape);
    const want = tutorial.tapData(tap);
    const range = Math.max(tap.max - tap.min, 1e-6);
    let worst = 0;
    for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(data[i]! - want[i]!));
    // float32 weights: within 1e-4 of the tap's range (WebAssembly kernels sum in another order than PyTorch's).
    expect(worst / range, tap.name).toBeLessThan(1e-4);
  }
});

test('Download model (.onnx): the built graph and a manifest.json whose checksum is the graph\'s', async ({ page }) => {
  await start(page);
  await dropFiles(page, [{ name: tutorial.file, mimeType: 'application/octet-stream', buffer: readFileSync(resolve(tutorial.dir, tutorial.file)) }]);
  await waitForName(page, 'convnext_food101.pth');
  await expect(page.getByTestId('model-input')).toContainText('Food-101 labels');
  const downloads: { name: string; bytes: Buffer }[] = [];
  page.on('download', (d) => void d.path().then((p) => downloads.push({ name: d.suggestedFilename(), bytes: readFileSync(p) })));
  await page.getByRole('button', { name: 'Download model (.onnx)' }).click();
  await expect.poll(() => downloads.length, { timeout: 30_000 }).toBe(2);
  const onnx = downloads.find((d) => d.name === 'convnext_food101.onnx')!;
  const manifest = JSON.parse(downloads.find((d) => d.name === 'manifest.json')!.bytes.toString()) as { id: string; file: { name: string; sha256: string; bytes: number }; taps: { name: string }[]; derived?: unknown };
  expect(manifest.id).toBe('convnext-food101');
  expect(manifest.file).toMatchObject({ name: 'convnext_food101.onnx', bytes: onnx.bytes.length, sha256: createHash('sha256').update(onnx.bytes).digest('hex') });
  expect(manifest.taps.map((t) => t.name)).toEqual(expect.arrayContaining(['features.0.0', 'features.1.0.block.0']));
  expect(manifest.derived).toBeUndefined();

  // Bundled as model/README.md says (a folder under models/ and an index.json entry), it loads as a bundled model.
  const index = JSON.parse(readFileSync(resolve(ROOT, 'public/models/index.json'), 'utf8')) as { models: unknown[] };
  index.models.push({ id: 'convnext-food101', displayName: 'Food-101 (bundled)', manifest: 'convnext-food101/manifest.json', trained: true, bytes: onnx.bytes.length });
  await page.route('**/models/index.json', (route) => route.fulfill({ json: index }));
  await page.route('**/models/convnext-food101/manifest.json', (route) => route.fulfill({ body: downloads.find((d) => d.name === 'manifest.json')!.bytes, contentType: 'application/json' }));
  await page.route('**/models/convnext-food101/convnext_food101.onnx', (route) => route.fulfill({ body: onnx.bytes, contentType: 'application/octet-stream' }));
  await page.goto('./?modelId=convnext-food101');
  await waitForName(page, 'convnext_food101.pth'); // the manifest's own displayName
  await expect(page.getByLabel('Model', { exact: true })).toHaveValue('convnext-food101');
  await dropFiles(page, [photoFile(samplePath('coffee.png'))]);
  await waitForResult(page, 'coffee.png');
  await expect(page.getByLabel('Layer', { exact: true }).locator('option[value="features.1.0.block.0"]')).toHaveCount(1);
});

test('Apply input settings rebuilds a torchvision checkpoint at another size and normalisation; the previous one stays on a refusal', async ({ page }) => {
  await start(page);
  await dropFiles(page, [{ name: tutorial.file, mimeType: 'application/octet-stream', buffer: readFileSync(resolve(tutorial.dir, tutorial.file)) }]);
  await waitForName(page, tutorial.file);
  const input = page.getByTestId('model-input');
  await expect(input).toContainText('NCHW 1×3×224×224 · resize 236, centre crop 224');
  // The select applies at once (a rebuild at the same size); the size waits for Apply.
  await page.getByLabel('Input normalisation').selectOption('zero-one');
  await expect(page.getByLabel('Input normalisation')).toHaveValue('zero-one', { timeout: 60_000 });
  await expect(status(page)).toHaveAttribute('data-status', 'ready');
  await expect(input).toContainText('1×3×224×224');
  await page.getByLabel('Input size').fill('160');
  await page.getByRole('button', { name: 'Apply input settings' }).click();
  await expect(input).toContainText('NCHW 1×3×160×160 · resize 168, centre crop 160', { timeout: 60_000 });
  await expect(status(page)).toHaveAttribute('data-status', 'ready');
  await dropFiles(page, [photoFile(samplePath('coffee.png'))]);
  await waitForResult(page, 'coffee.png');
  const stem = await downloadLayer(page, 'features.0.0');
  expect(stem.shape).toEqual([tutorial.taps[0]!.shape[0], 40, 40]);
  await expect(page.getByLabel('Input normalisation')).toHaveValue('zero-one');

  await page.getByLabel('Input size').fill('20');
  await page.getByRole('button', { name: 'Apply input settings' }).click();
  await expect(page.getByRole('alert')).toContainText('20×20');
  await expect(input).toContainText('1×3×160×160');
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.getByRole('region', { name: 'Models' }).screenshot({ path: `${SHOTS}/checkpoint-input-settings.png` });
});

test('a Model URL on another site pointing at a .pth builds it; Food-101 names for its 101-way head, said so', async ({ page }) => {
  await start(page);
  await page.getByLabel('Model URL').fill(`https://models.example.org/models/${tutorial.file}`);
  await page.getByRole('button', { name: 'Load model', exact: true }).click();
  await waitForName(page, tutorial.file);
  await expect(page.getByTestId('model-input')).toContainText("Food-101 labels (torchvision's order)");
  await expect(page.getByLabel('Layer', { exact: true }).locator('option[value="features.0.0"]')).toHaveCount(1);
});

test('the one-click offer builds the trained timm ConvNeXt-Atto from its model.safetensors; the link, the cache and offline reload work', async ({ page, context }) => {
  await start(page);
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.getByRole('region', { name: 'Trained network' }).screenshot({ path: `${SHOTS}/checkpoint-offer.png` });
  await page.getByRole('button', { name: 'See a trained network: 15 MB download' }).click();
  await waitForName(page, ATTO);
  await expect(page.getByLabel('Model', { exact: true })).toHaveValue(`hf:${ATTO}`);
  await expect(page.getByLabel('Weights').locator('option')).toHaveText(['model.safetensors · 14.8 MB · built in the page']);
  await expect(page.getByTestId('model-input')).toContainText('ImageNet-1k labels (1000 classes)');
  await expect(page.getByRole('button', { name: /See a trained network/ })).toHaveCount(0);
  expect(new URL(page.url()).searchParams.get('model')).toMatch(new RegExp(`^hf:${ATTO}`));
  expect(safetensorsGets()).toBe(1);
  await dropFiles(page, [photoFile(samplePath('coffee.png'))]);
  await waitForResult(page, 'coffee.png');
  await page.screenshot({ path: `${SHOTS}/checkpoint-atto-offer.png` });

  await page.reload();
  await waitForName(page, ATTO);
  await expect(status(page)).toContainText('from cache');
  // Offline (no network at all): the Atto loads again from the cached listing and file, and runs a photo.
  await context.setOffline(true);
  await page.getByLabel('Hugging Face model').fill(ATTO);
  await page.getByRole('button', { name: 'Load from Hugging Face' }).click();
  await expect(page.getByTestId('hub-repo')).toContainText('offline: file list from the cache', { timeout: 60_000 });
  await waitForName(page, ATTO);
  await expect(status(page)).toContainText('from cache');
  await dropFiles(page, [photoFile(samplePath('chelsea.png'))]);
  await waitForResult(page, 'chelsea.png');
  await context.setOffline(false);
  expect(safetensorsGets()).toBe(1);
});

test('a pytorch_model.bin-only repo (transformers ConvNeXt V2) loads by id, with its labels and its module names', async ({ page }) => {
  await start(page);
  await page.getByLabel('Hugging Face model').fill(V2_BIN);
  await page.getByRole('button', { name: 'Load from Hugging Face' }).click();
  await waitForName(page, V2_BIN);
  await expect(page.getByLabel('Weights').locator('option')).toHaveText([/^pytorch_model\.bin · 0\.2 MB · built in the page$/]);
  await expect(page.getByTestId('model-input')).toContainText("labels from the repo's config.json");
  const v2 = loadCheckpointCase('hf-convnextv2-bin');
  const grn = v2.taps.find((t) => t.name.endsWith('.grn'))!;
  await expect(page.getByLabel('Layer', { exact: true }).locator(`option[value="${grn.name}"]`)).toHaveCount(1);
  expect(new URL(page.url()).searchParams.get('model')).toBe(`hf:${V2_BIN}:pytorch_model.bin`);
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.getByRole('region', { name: 'Models' }).screenshot({ path: `${SHOTS}/checkpoint-hub-bin-model-panel.png` });
  await page.locator('[data-testid="hub-repo"]').screenshot({ path: `${SHOTS}/checkpoint-hub-bin-weights.png` });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: `${SHOTS}/checkpoint-hub-bin-phone.png` });
});

test('Cancel download stops a checkpoint download; the previous model stays and nothing is cached', async ({ page }) => {
  await start(page);
  // Trickle the Atto's weights (200 kB/s) through the file CDN the Hub redirects to.
  const cdnPath = `/${ATTO}/${createHash('sha1').update(ATTO).digest('hex')}/model.safetensors`;
  mirror.faults.set(cdnPath, { bytesPerSecond: 200_000 });
  try {
    await page.getByLabel('Hugging Face model').fill(ATTO);
    await page.getByRole('button', { name: 'Load from Hugging Face' }).click();
    const progress = page.getByTestId('hub-progress');
    await expect.poll(async () => Number((await progress.textContent())?.split(' ')[0]), { timeout: 30_000 }).toBeGreaterThan(0.3);
    await page.getByRole('button', { name: 'Cancel download' }).click();
    await expect(page.getByTestId('hub-notice')).toHaveText(/^Download cancelled\. Still showing ConvNeXt-Atto/);
    await expect(page.getByRole('alert')).toHaveCount(0);
    expect(mirror.requests.some((r) => r.host === CDN_HOST && r.path === cdnPath)).toBe(true);
    const cached = await page.evaluate(async () => ((await caches.has('convlens-models-v1')) ? (await (await caches.open('convlens-models-v1')).keys()).map((r) => r.url) : []));
    expect(cached.filter((u) => u.endsWith('/model.safetensors'))).toEqual([]);
  } finally {
    mirror.faults.delete(cdnPath);
  }
  await stillUsable(page);
});

test('the presets in the Model menu: the ConvNeXt V2-Femto loads from the menu and the menu shows it', async ({ page }) => {
  await start(page);
  const menu = page.getByLabel('Model', { exact: true });
  await expect(menu.locator('option', { hasText: 'ConvNeXt-Atto · ImageNet-1k · trained (timm/convnext_atto.d2_in1k, 15 MB)' })).toHaveCount(1);
  await menu.selectOption({ label: 'ConvNeXt V2-Femto · Food-101 (lakshyaM/convnextv2_femto_food101, 20 MB)' });
  await waitForName(page, FEMTO);
  await expect(menu).toHaveValue(`hf:${FEMTO}`);
  await expect(page.getByLabel('Weights').locator('option')).toHaveText([/^model\.safetensors · 0\.2 MB · built in the page$/]);
});

async function stillUsable(page: Page): Promise<void> {
  await expect(status(page)).toHaveAttribute('data-status', 'ready');
  await expect(status(page)).toContainText('ConvNeXt-Atto');
  await dropFiles(page, [photoFile(samplePath('chelsea.png'))]);
  await waitForResult(page, 'chelsea.png');
}

test('bad checkpoints are refused with a sentence; nothing runs and the previous model stays', async ({ page }) => {
  await start(page);
  const cases: [ReturnType<typeof fixture>, RegExp][] = [
    [fixture('os_system.pt', 'evil.pth'), /Refused: the checkpoint names the global os\.system, which a state dict never needs; nothing was run\./],
    [fixture('whole_model.pt'), /whole pickled model .*torchvision\.models\.convnext\.ConvNeXt.*torch\.save\(model\.state_dict\(\)/],
    [fixture('legacy.pth'), /old \(pre-1\.6, non-zip\) format.*Re-save it with a current PyTorch/],
    [fixture('state_f32.pt', 'not-a-convnext.pt'), /not a ConvNeXt|ConvNeXt/i],
    [{ name: 'random.safetensors', mimeType: 'application/octet-stream', buffer: Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 7919) % 251)) }, /random\.safetensors is not a checkpoint ConvLens can read/],
    [{ ...fixture('state_f32.pt', 'cut.pth'), buffer: readFileSync(resolve(ROOT, 'src/checkpoint/fixtures/state_f32.pt')).subarray(0, 1500) }, /truncated/],
  ];
  for (const [file, message] of cases) {
    await dropFiles(page, [file]);
    await expect(page.getByRole('alert'), file.name).toContainText(message);
    await expect(status(page)).toHaveAttribute('data-status', 'ready');
    await expect(status(page)).toContainText('ConvNeXt-Atto');
  }
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: `${SHOTS}/checkpoint-refused-phone.png`, fullPage: false });
  await page.setViewportSize({ width: 1280, height: 720 });
  await stillUsable(page);
});

test('a checkpoint over the size limit on the Hub is refused before its download', async ({ page }) => {
  await start(page);
  await page.getByLabel('Hugging Face model').fill('convlens-test/huge-checkpoint');
  await page.getByRole('button', { name: 'Load from Hugging Face' }).click();
  await expect(page.getByRole('alert')).toContainText('3000.0 MB');
  expect(mirror.requests.filter((r) => r.host === CDN_HOST)).toEqual([]);
  await stillUsable(page);
});
