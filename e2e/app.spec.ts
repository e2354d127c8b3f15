import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import {
  downloadLayer,
  dropFiles,
  photoFile,
  readGolden,
  type Golden,
  readManifest,
  relativeErrorAgainstGolden,
  samplePath,
  summary,
  tilePixels,
  untrainedUrl,
  waitForModel,
  waitForResult,
} from './helpers';
import { ensureRealPhotos, realPhoto } from './realPhotos';

const golden = readGolden();
const manifest = readManifest();

// The pipeline's numbers are checked against PyTorch on the untrained model, whose PyTorch twin
// model/ rebuilds from its seed; the page's own default (the shapes network) is e2e/shapes.spec.ts.
test.beforeEach(async ({ page }) => {
  await page.goto(untrainedUrl());
  await waitForModel(page);
});

test('loads the default model on WASM with threads in a cross-origin isolated page', async ({ page }) => {
  await page.goto('./');
  await waitForModel(page);
  expect(await page.evaluate(() => self.crossOriginIsolated)).toBe(true);
  const status = page.locator('p[role="status"]');
  await expect(status).toContainText('ConvNeXt-Atto · drawn shapes');
  const threads = Number((await status.textContent())!.match(/wasm · (\d+) threads?/)![1]);
  expect(threads).toBeGreaterThan(1);
});

test('shows a byte progress bar while the model downloads', async ({ page }) => {
  // Slow the model download down so the bar can be seen mid-way.
  await page.route('**/model.onnx', async (route) => {
    const response = await route.fetch();
    await new Promise((r) => setTimeout(r, 1500));
    await route.fulfill({ response });
  });
  const seen: string[] = [];
  page.on('console', (m) => seen.push(m.text()));
  await page.reload();
  const bar = page.getByRole('progressbar', { name: 'Model download' });
  await expect(bar).toBeVisible();
  await expect(page.locator('p[role="status"]')).toContainText(/Loading model|Downloading model|Preparing/);
  await waitForModel(page);
  await expect(bar).toBeHidden();
});

test('a photo dropped on the page shows the crop, the top-5 and the grid, matching PyTorch', async ({ page }) => {
  await dropFiles(page, [photoFile(samplePath('coffee.png'))]);
  await waitForResult(page, 'coffee.png');
  await expect(page.getByRole('img', { name: /224×224 crop the model saw of coffee\.png/ })).toBeVisible();
  await expect(page.locator('[aria-label="features.0.0 channel 0"]')).toBeVisible();
  await expect(page.getByTestId('untrained-warning')).toContainText('Untrained weights');
  await expect(page.locator('p[role="status"]')).toContainText(/\d+ ms inference/);

  const labels = await page.locator('.predictions__label').allTextContents();
  expect(labels).toEqual(golden.top5.map((p) => p.label.replaceAll('_', ' ')));
  const probabilities = (await page.locator('.predictions__p').allTextContents()).map((t) => parseFloat(t) / 100);
  golden.top5.forEach((p, i) => expect(probabilities[i]).toBeCloseTo(p.probability, 3));
  await page.screenshot({ path: 'screenshots/coffee-dropped.png' });
});

test('a photo chosen with the file input runs too', async ({ page }) => {
  await page.getByLabel('Choose photo').setInputFiles(samplePath('rocket.jpg'));
  await waitForResult(page, 'rocket.jpg');
  await expect(page.locator('[aria-label="features.0.0 channel 0"]')).toBeVisible();
});

test('a bundled sample runs when clicked', async ({ page }) => {
  await page.getByRole('button', { name: 'Cat' }).click();
  await waitForResult(page, 'chelsea.png');
});

test('every tap of the manifest is in the layer picker, grouped by stage', async ({ page }) => {
  const picker = page.getByLabel('Layer', { exact: true });
  const values = await picker.locator('option').evaluateAll((options) => options.map((o) => (o as HTMLOptionElement).value));
  expect(values).toEqual(manifest.taps.map((t) => t.name));
  const groups = await picker.locator('optgroup').evaluateAll((gs) => gs.map((g) => (g as HTMLOptGroupElement).label));
  expect(groups).toEqual(['Stem', 'Stage 1', 'Stage 2', 'Stage 3', 'Stage 4', 'Head']);
  // Arrow keys move through the picker.
  await picker.focus();
  await page.keyboard.press('ArrowDown');
  await expect(picker).toHaveValue(manifest.taps[1]!.name);
  await expect(page.getByTestId('layer-description')).toContainText(manifest.taps[1]!.name);
});

test('the channel sliders choose the window and the tiles change', async ({ page }) => {
  await dropFiles(page, [photoFile(samplePath('coffee.png'))]);
  await waitForResult(page, 'coffee.png');
  await page.getByLabel('Layer', { exact: true }).selectOption('features.1.0.block.4');
  await expect(page.getByTestId('channel-range')).toHaveText('channels 0-127 of 160');
  await expect(page.locator('.tile')).toHaveCount(128);
  const before = await tilePixels(page, 'features.1.0.block.4 channel 10');

  await page.getByLabel('First channel').fill('10');
  await expect(page.getByTestId('channel-range')).toHaveText('channels 10-137 of 160');
  const firstTile = page.locator('.tile').first();
  await expect(firstTile).toHaveAttribute('aria-label', 'features.1.0.block.4 channel 10');
  // Slot 0 now shows channel 10: its pixels must equal what channel 10 showed before, and differ from channel 0.
  const after = await tilePixels(page, 'features.1.0.block.4 channel 10');
  expect(after).toEqual(before);
  const channel11 = await tilePixels(page, 'features.1.0.block.4 channel 11');
  expect(channel11).not.toEqual(after);

  await page.getByLabel('Channels shown').fill('16');
  await expect(page.locator('.tile')).toHaveCount(16);
  await expect(page.getByTestId('channel-range')).toHaveText('channels 10-25 of 160');
  await page.screenshot({ path: 'screenshots/slider-window.png' });
});

/**
 * Downloads the stem, the last block of every stage and the logits as .npy and compares them with
 * PyTorch's values for the same photo: the golden samples and the min, max and mean, each within
 * 1e-3 of the tap's largest magnitude.
 */
async function expectLayersMatchPyTorch(page: Page, reference: Golden): Promise<void> {
  const stageBlocks = manifest.taps.filter((t) => t.kind === 'block');
  const chosen = ['features.0.0', ...[1, 2, 3, 4].map((s) => stageBlocks.filter((t) => t.stage === s).at(-1)!.name), 'logits'];
  for (const tap of chosen) {
    const { shape, data, fileName } = await downloadLayer(page, tap);
    const g = reference.taps[tap]!;
    expect(fileName).toBe(`${tap}.npy`);
    expect(shape).toEqual(g.shape);
    expect(relativeErrorAgainstGolden(data, g), `${tap} samples`).toBeLessThan(1e-3);
    const s = summary(data);
    const scale = Math.max(Math.abs(g.min), Math.abs(g.max));
    expect(Math.abs(s.mean - g.mean) / scale, `${tap} mean`).toBeLessThan(1e-3);
    expect(Math.abs(s.max - g.max) / scale, `${tap} max`).toBeLessThan(1e-3);
    expect(Math.abs(s.min - g.min) / scale, `${tap} min`).toBeLessThan(1e-3);
  }
}

/** The 224x224 crop the page shows, as RGB bytes. */
async function cropRgb(page: Page): Promise<Buffer> {
  const rgba = await page.locator('canvas.crop__canvas').evaluate((canvas: HTMLCanvasElement) =>
    Array.from(canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data),
  );
  return Buffer.from(rgba.filter((_, i) => i % 4 !== 3));
}

test('downloaded .npy files match PyTorch for the stem and a block of every stage', async ({ page }) => {
  await dropFiles(page, [photoFile(samplePath('coffee.png'))]);
  await waitForResult(page, 'coffee.png');
  await expectLayersMatchPyTorch(page, golden);
});

/*
 * Photos as cameras and phones write them, against PyTorch on the same file read the way the app
 * reads it (model/photo_golden.py): EXIF orientation applied (PIL.ImageOps.exif_transpose), an ICC
 * profile not applied (the decoded values, as PIL.Image.open gives them). Same tolerance as coffee.png.
 */
test.describe('real-world JPEGs match PyTorch', () => {
  const P3 = 'chelsea-display-p3.jpg';
  const PHONE = 'phone-astronaut-exif6.jpg';
  test.beforeAll(() => ensureRealPhotos([P3, PHONE]));

  test('a JPEG with a Display P3 ICC profile: the decoded values, without colour management, as PIL.Image.open', async ({ page }) => {
    const { file, golden: reference } = realPhoto(P3);
    expect(reference.read.iccProfile).toBe(true);
    await dropFiles(page, [file]);
    await waitForResult(page, P3);
    expect((await cropRgb(page)).equals(Buffer.from(reference.cropRgbBase64, 'base64')), 'crop == PyTorch crop').toBe(true);
    await expectLayersMatchPyTorch(page, reference);

    // The profile is one Chromium honours: decoded with colour management the cat's pixels move,
    // so a colour-managed decode in the app would have failed the comparison above.
    const moved = await page.evaluate(async (base64) => {
      const blob = new Blob([Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))], { type: 'image/jpeg' });
      const pixels = async (colorSpaceConversion: ColorSpaceConversion) => {
        const bitmap = await createImageBitmap(blob, { colorSpaceConversion });
        const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
        const ctx = canvas.getContext('2d')!;
        ctx.drawImage(bitmap, 0, 0);
        return ctx.getImageData(0, 0, bitmap.width, bitmap.height).data;
      };
      const [raw, managed] = [await pixels('none'), await pixels('default')];
      let worst = 0;
      for (let i = 0; i < raw.length; i++) worst = Math.max(worst, Math.abs(raw[i]! - managed[i]!));
      return worst;
    }, file.buffer.toString('base64'));
    expect(moved).toBeGreaterThan(10);
  });

  test('a phone JPEG with EXIF orientation 6: turned upright as PIL.ImageOps.exif_transpose does', async ({ page }) => {
    const { file, golden: reference } = realPhoto(PHONE);
    expect(reference.read).toMatchObject({ exifOrientation: 6, size: [512, 384], uprightSize: [384, 512] });
    await dropFiles(page, [file]);
    await waitForResult(page, PHONE);
    await expect(page.locator('.crop__dims')).toContainText('384×512');
    expect((await cropRgb(page)).equals(Buffer.from(reference.cropRgbBase64, 'base64')), 'crop == PyTorch crop').toBe(true);
    await expectLayersMatchPyTorch(page, reference);
  });
});

test('a newer photo supersedes an older one: the older result is never shown', async ({ page }) => {
  await page.evaluate(() => {
    const seen: string[] = [];
    (window as unknown as { __photos: string[] }).__photos = seen;
    new MutationObserver(() => {
      const photo = document.querySelector('[data-testid="channel-grid"]')?.getAttribute('data-photo');
      if (photo && seen.at(-1) !== photo) seen.push(photo);
    }).observe(document.body, { subtree: true, attributes: true, childList: true });
  });
  await dropFiles(page, [photoFile(samplePath('coffee.png'))]);
  await dropFiles(page, [photoFile(samplePath('rocket.jpg'))]);
  await waitForResult(page, 'rocket.jpg');
  // The next result is the event that proves nothing older arrived in between.
  await dropFiles(page, [photoFile(samplePath('chelsea.png'))]);
  await waitForResult(page, 'chelsea.png');
  expect(await page.evaluate(() => (window as unknown as { __photos: string[] }).__photos)).toEqual(['rocket.jpg', 'chelsea.png']);
});

test('main states look right (screenshots for people to look at)', async ({ page }) => {
  await page.screenshot({ path: 'screenshots/ready-no-photo.png' });
  await page.getByRole('button', { name: 'Espresso' }).click();
  await waitForResult(page, 'coffee.png');
  await page.getByLabel('Layer', { exact: true }).selectOption('features.5.2.block.0');
  await page.getByLabel('Colour map').selectOption('grey');
  await page.screenshot({ path: 'screenshots/stage3-grey.png', fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: 'screenshots/phone.png' });
});

test('a pasted image runs like a dropped one', async ({ page }) => {
  const bytes = readFileSync(samplePath('chelsea.png')).toString('base64');
  await page.evaluate((b64) => {
    const dt = new DataTransfer();
    dt.items.add(new File([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], 'pasted.png', { type: 'image/png' }));
    window.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt }));
  }, bytes);
  await waitForResult(page, 'pasted.png');
});

test('asking for WebGPU where there is none falls back to WASM and says so', async ({ page }) => {
  // This project's Chromium runs with --disable-gpu: no adapter.
  await page.goto(untrainedUrl('backend=webgpu'));
  await waitForModel(page, 'wasm');
  await expect(page.getByTestId('backend-fallback')).toContainText(/WebGPU.*using WASM/);
  await dropFiles(page, [photoFile(samplePath('coffee.png'))]);
  await waitForResult(page, 'coffee.png');
});
