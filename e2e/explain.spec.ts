/**
 * "How this value is computed" (issue 27) on the coffee sample with the default model: a
 * position opened by an ?at= link and by a click, the explained value against the layer's own
 * tensor (read through the app's .npy download), for a convolution, a LayerNorm, a GELU, a
 * residual add and the class score; Play; no long main-thread task on selecting a position;
 * axe on the region.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Locator, type Page } from '@playwright/test';
import { ensureTestModels, testModelPath } from '../src/model/testing/testModels';
import { waitForModel } from './helpers';

const SHOTS = process.env.EXPLAIN_SHOTS ?? '/tmp/shots-explain';
const REGION = 'How this value is computed';

/** The value a region ends in ("= 1.23457"). */
async function explainedValue(region: Locator): Promise<number> {
  const text = await region.getByTestId('explain-result').textContent();
  return Number(text!.replace('=', '').trim());
}

/** 1e-4 relative, the explanations' own tolerance; `= value` is written with 6 significant digits. */
function expectSameValue(shown: number, expected: number): void {
  expect(Math.abs(shown - expected)).toBeLessThanOrEqual(1e-4 * Math.max(Math.abs(expected), 1e-3));
}

async function openAt(page: Page, layer: string, channel: number, row: number, col: number): Promise<Locator> {
  await page.goto(`./?sample=coffee&layer=${layer}&channel=${channel}&at=${row},${col}&debug`);
  await waitForModel(page);
  const dialog = page.getByRole('dialog', { name: `${layer} channel ${channel}` });
  await expect(dialog).toBeVisible();
  const region = dialog.getByRole('region', { name: REGION });
  await expect(region.getByTestId('explain-result')).toBeVisible();
  return region;
}

/** One value of a layer's tensor as the app holds it (the ?debug hook; the same array the .npy download writes). */
async function tensorValue(page: Page, layer: string, channel: number, row: number, col: number): Promise<number> {
  return page.evaluate(
    ({ layer, channel, row, col }) => {
      const t = window.__convlens!.store.getState().activations!.tensors.get(layer)!;
      const [, h = 1, w = 1] = t.shape.length === 1 ? [t.shape[0]!, 1, 1] : t.shape;
      return t.data[channel * h * w + row * w + col]!;
    },
    { layer, channel, row, col },
  );
}

async function checkAgainstTensor(page: Page, region: Locator, layer: string, channel: number, row: number, col: number): Promise<void> {
  expectSameValue(await explainedValue(region), await tensorValue(page, layer, channel, row, col));
}

test('an ?at= link opens the stem convolution at that position, with patch, kernel, products and bias', async ({ page }) => {
  const region = await openAt(page, 'features.0.0', 5, 10, 12);
  expect(page.url()).toContain('at=10%2C12');
  await expect(region).toContainText('Convolution 4×4');
  await expect(region.getByRole('table', { name: /Input patch \(4×4\) of input channel 0/ })).toBeVisible();
  await expect(region.getByRole('table', { name: /Kernel of output channel 5/ })).toHaveCount(3); // one per colour channel
  await expect(region.getByRole('table', { name: /Products x·w/ }).first()).toBeVisible();
  await expect(region.getByRole('cell', { name: 'bias', exact: true })).toBeVisible();
  // The stem reads the photo: its pixels, normalised, are the input patch.
  const { mean, std } = await page.evaluate(() => window.__convlens!.store.getState().model!.manifest.input);
  const cells = async (name: RegExp) => (await region.getByRole('table', { name }).locator('td').allTextContents()).map(Number);
  const pixels = await cells(/Photo pixels \(green, 0–255\)/);
  const patch = await cells(/Input patch \(4×4\) of input channel 1/);
  expect(pixels).toHaveLength(16);
  pixels.forEach((px, i) => expect(Math.abs((px / 255 - mean[1]) / std[1] - patch[i]!)).toBeLessThan(1e-4));
  await checkAgainstTensor(page, region, 'features.0.0', 5, 10, 12);
  await expect(page.getByTestId('detail-marker')).toBeVisible();
  await expect(page.getByTestId('detail-field')).toContainText('x 48–52, y 40–44');
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.screenshot({ path: `${SHOTS}/conv-1280.png` });
  await region.screenshot({ path: `${SHOTS}/conv-region.png` });
  const axe = await new AxeBuilder({ page }).include('[data-testid="explain"]').analyze();
  expect(axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).toEqual([]);
});

test('a click picks the position of a LayerNorm, the address bar keeps it, and no main-thread task reaches 50 ms', async ({ page }) => {
  const region = await openAt(page, 'features.0.1', 3, 0, 0);
  const canvas = page.getByTestId('detail-channel');
  // The layer's inputs are in the page now; from here on a click only explains one value.
  await page.evaluate(() => {
    const w = window as unknown as { __longTasks: number[] };
    w.__longTasks = [];
    new PerformanceObserver((list) => list.getEntries().forEach((e) => w.__longTasks.push(e.duration))).observe({ type: 'longtask' });
  });
  const box = (await canvas.boundingBox())!;
  await page.mouse.click(box.x + ((20 + 0.5) * box.width) / 56, box.y + ((7 + 0.5) * box.height) / 56);
  await expect(page.getByTestId('detail-picked')).toContainText('row 7, column 20');
  await expect.poll(() => page.url()).toContain('at=7%2C20');
  await expect(region).toContainText('LayerNorm over the 40 channels');
  await expect(region).toContainText('variance');
  await checkAgainstTensor(page, region, 'features.0.1', 3, 7, 20);
  // Keyboard: arrows move the cursor, Enter picks.
  await canvas.focus();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('detail-picked')).toContainText('row 8, column 20');
  const long = await page.evaluate(() => (window as unknown as { __longTasks: number[] }).__longTasks);
  expect(long.filter((d) => d >= 50)).toEqual([]);
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: `${SHOTS}/layernorm-phone.png`, fullPage: true });
});

test('a GELU shows its curve, a residual add its layer scale, each equal to the map', async ({ page }) => {
  let region = await openAt(page, 'features.1.0.block.4', 17, 5, 9);
  await expect(region).toContainText('Activation: GELU');
  await expect(region.getByRole('img', { name: /GELU curve, marked at x = / })).toBeVisible();
  await checkAgainstTensor(page, region, 'features.1.0.block.4', 17, 5, 9);
  await region.screenshot({ path: `${SHOTS}/gelu-region.png` });
  region = await openAt(page, 'features.1.0', 2, 30, 40);
  await expect(region).toContainText('Residual add with layer scale');
  await expect(region).toContainText('γ (layer scale)');
  await checkAgainstTensor(page, region, 'features.1.0', 2, 30, 40);
});

test('the pooled feature and the top class score: mean over positions, head LayerNorm, weight row · features + bias = the logit', async ({ page }) => {
  const region = await openAt(page, 'avgpool', 7, 0, 0);
  await expect(region).toContainText('Global average pooling');
  await checkAgainstTensor(page, region, 'avgpool', 7, 0, 0);
  const score = page.getByRole('region', { name: /How the score of the top class/ });
  await expect(score.getByTestId('explain-result')).toBeVisible();
  await expect(score).toContainText('after LayerNorm');
  const logits = await page.evaluate(() => Array.from(window.__convlens!.store.getState().activations!.tensors.get('logits')!.data));
  expectSameValue(await explainedValue(score), Math.max(...logits));
  await score.screenshot({ path: `${SHOTS}/logit-region.png` });
  await page.getByRole('button', { name: /Why “.+”\? Where in the photo its evidence lies/ }).click();
  await expect(page.getByRole('dialog')).toHaveCount(0);
  await expect.poll(() => page.url()).toContain('view=why');
});

test('Play slides the kernel and fills the output map, Pause stops it; with reduced motion it steps on demand', async ({ page }) => {
  const region = await openAt(page, 'features.1.0.block.0', 4, 3, 3);
  await checkAgainstTensor(page, region, 'features.1.0.block.0', 4, 3, 3);
  const now = region.locator('.play__now');
  await expect(now).toContainText('Position 1 of 3136');
  await region.getByRole('button', { name: 'Play' }).click();
  await expect.poll(async () => Number((await now.textContent())!.match(/Position (\d+)/)![1])).toBeGreaterThan(5);
  await region.getByRole('button', { name: 'Pause' }).click();
  const paused = await now.textContent();
  await expect(region.getByRole('button', { name: 'Next position' })).toBeEnabled();
  await region.getByRole('button', { name: 'Next position' }).click();
  await expect(now).not.toHaveText(paused!);
  await region.screenshot({ path: `${SHOTS}/play-region.png` });

  await page.emulateMedia({ reducedMotion: 'reduce' });
  const still = await openAt(page, 'features.1.0.block.0', 4, 3, 3);
  await expect(still.getByRole('button', { name: 'Play' })).toHaveCount(0);
  await still.getByRole('button', { name: 'Next position' }).click();
  await expect(still.locator('.play__now')).toContainText('Position 2 of 3136: row 0, column 1');
});

test('a foreign model (a torchvision resnet18 file): a 3×3 convolution over 64 channels, a ReLU and an Add, each equal to its map', async ({ page }) => {
  test.setTimeout(300_000);
  ensureTestModels();
  await page.goto('./?sample=coffee&debug');
  await waitForModel(page);
  await page.getByLabel('Choose model').setInputFiles(testModelPath('resnet18.onnx'));
  await expect(page.locator('p[role="status"]')).toContainText('resnet18.onnx', { timeout: 180_000 });
  await expect(page.locator('p[role="status"]')).toHaveAttribute('data-status', 'ready', { timeout: 180_000 });
  const taps = await page.evaluate(() => window.__convlens!.store.getState().model!.manifest.taps.map((t) => ({ name: t.name, op: t.op ?? '', shape: t.shape })));
  const pick = (op: string, nth: number) => taps.filter((t) => t.op === op)[nth]!;
  for (const [tap, title] of [
    [pick('Conv', 1), 'Convolution 3×3, 64 input channels'],
    [pick('Relu', 1), 'Activation: ReLU'],
    [pick('Add', 0), 'Add (residual connection)'],
  ] as const) {
    const [, h = 1, w = 1] = tap.shape;
    const at = { row: Math.floor(h / 3), col: Math.floor((2 * w) / 3), channel: 6 };
    await expect.poll(() => page.evaluate((name) => !!window.__convlens!.store.getState().activations?.tensors.get(name), tap.name), { timeout: 120_000 }).toBe(true);
    await page.evaluate(
      ({ name, at }) => window.__convlens!.store.setState({ selectedTap: name, selectedChannel: at.channel, selectedPosition: { row: at.row, col: at.col }, detailOpen: true }),
      { name: tap.name, at },
    );
    const region = page.getByRole('dialog', { name: `${tap.name} channel 6` }).getByRole('region', { name: REGION });
    await expect(region).toContainText(title);
    await expect(region.getByTestId('explain-result')).toBeVisible();
    await checkAgainstTensor(page, region, tap.name, at.channel, at.row, at.col);
    if (tap.op === 'Conv') await expect(region.getByRole('table', { name: /Sums of x·w per input channel, largest first/ })).toContainText('the other 54 input channels');
    await page.keyboard.press('Escape');
  }
});
