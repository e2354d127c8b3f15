/**
 * The Examples view (issue 28) on a foreign model: torchvision's mobilenet_v3_small with seeded
 * weights (model/make_test_models.py, the file the BYO-model specs drop), 20 drawn shapes and
 * the four samples. The model's taps are not outputs of its ONNX file (the app rewrites the
 * graph to expose them), so the reference is a copy made here by the official `onnx` package
 * (model/expose_outputs.py) with every tap's value as a graph output, run by onnxruntime-node
 * on the very crops the page kept. For every tap and channel the CSV's rank 1 must be its argmax
 * over all photos and positions, values within 1e-4 relative, ties aside (examples-helpers.ts).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { PNG } from 'pngjs';
import { preprocess } from '../src/image/preprocess';
import { ensureTestModels, testModelPath } from '../src/model/testing/testModels';
import { compareRank1, downloadCsv, drawnShapes, keptCrops, referenceOutputs, rgbOf, SAMPLE_COUNT, tapScale, waitAllDone, type InputLite, type TapLite } from './examples-helpers';
import { ROOT, waitForModel } from './helpers';

const MODEL_FILE = 'mobilenet-v3-small.onnx';

/** A copy of the model with the given graph values as outputs, made by the `onnx` package. */
function withOutputs(model: string, values: string[]): string {
  const out = join(mkdtempSync(join(tmpdir(), 'examples-foreign-')), 'exposed.onnx');
  execFileSync('/usr/bin/python3', ['model/expose_outputs.py', model, out], { cwd: ROOT, input: values.join('\n'), stdio: ['pipe', 'pipe', 'pipe'] });
  return out;
}

test("a foreign model (mobilenet_v3_small): the CSV's strongest example of every tap and channel is onnxruntime-node's argmax on the same crops", async ({ page }, testInfo) => {
  test.setTimeout(400_000);
  ensureTestModels();
  const shapes = drawnShapes();
  await page.goto('./?debug');
  await waitForModel(page);
  await page.getByLabel('Choose model').setInputFiles(testModelPath(MODEL_FILE));
  await expect(page.locator('p[role="status"]')).toContainText(MODEL_FILE, { timeout: 180_000 });
  await expect(page.locator('p[role="status"]')).toHaveAttribute('data-status', 'ready', { timeout: 180_000 });

  await page.getByRole('button', { name: 'Examples', exact: true }).click();
  await waitAllDone(page, SAMPLE_COUNT);
  await page.getByLabel('Add photos').setInputFiles(shapes);
  const total = SAMPLE_COUNT + shapes.length;
  await expect(page.getByTestId('examples-count')).toContainText(`${total} photos`);
  await waitAllDone(page, total);
  // This model's batch axis is fixed at 1, so photos run one by one: the very first read whole
  // maps (they give the examples' layout), every other one's examples came from the model's own statistics.
  expect(await page.evaluate(() => window.__convlens!.examples.timings.fromStats)).toBe(total - 1);

  const { input, taps } = await page.evaluate(() => {
    const m = window.__convlens!.store.getState().model!.manifest;
    return { input: m.input, taps: m.taps.map((t) => ({ name: t.name, output: t.output, shape: t.shape })) };
  });
  const inputLite: InputLite = { name: input.name, shape: input.shape, mean: input.mean, std: input.std };
  const tapList: TapLite[] = taps;
  expect(input.layout).toBe('NCHW');
  // Intermediate taps only exist through the app's rewrite: many, not just the logits.
  expect(tapList.length).toBeGreaterThan(20);

  const csv = await downloadCsv(page);
  const lines = csv.trim().split('\n');
  expect(lines[0]).toBe('tap,channel,rank,photo,row,col,value');
  const channels = tapList.reduce((n, t) => n + t.shape[0]!, 0);
  expect(lines.length - 1).toBe(channels * 9);

  const crops = await keptCrops(page);
  expect(crops.size).toBe(total);
  for (const [name, bytes] of crops) {
    const png = PNG.sync.read(bytes);
    expect([png.width, png.height], name).toEqual([input.cropSize, input.cropSize]);
  }
  // The app's crop of each drawn PNG for this model is the crop src/image/preprocess makes of it here.
  for (const s of shapes) {
    const png = PNG.sync.read(s.buffer);
    const mine = preprocess(png.data, png.width, png.height, input).crop.data;
    expect(Buffer.compare(Buffer.from(rgbOf(PNG.sync.read(crops.get(s.name)!)).data), Buffer.from(mine)), s.name).toBe(0);
  }
  const exposed = withOutputs(testModelPath(MODEL_FILE), [...new Set(tapList.map((t) => t.output ?? t.name))]);
  const outputs = await referenceOutputs(exposed, inputLite, tapList, crops);
  // Values within 1e-4 relative to the larger of |value| and a tenth of the tap's largest |value|:
  // the squeeze-excitation taps (features.N.block.2.fc1/fc2, 1×1 after a global mean) hold
  // channels whose maximum is near 0.01 in a tap that reaches 3 to 40, sums that cancel, where
  // the page's WebAssembly kernels and onnxruntime-node's add in another order: measured, 18 of
  // those channels differ by 1e-4 to 3.3e-4 of their own value, all within 1e-6 of the tap's scale.
  const { wrong, exactPlace, checked } = compareRank1(lines, outputs, tapList, (t) => Math.max(0.01, tapScale(outputs, t) / 10));
  expect(wrong.slice(0, 20)).toEqual([]);
  expect(checked).toBe(channels);
  console.log(`foreign examples: ${tapList.length} taps, ${checked} channels, ${exactPlace} at the reference's exact place`);
  // Real ties are rare (measured: every one of the 21 536 channels at the reference's exact place).
  expect(exactPlace / checked).toBeGreaterThan(0.98);

  // The stem's mosaics, to look at.
  await page.setViewportSize({ width: 1280, height: 720 });
  const stem = page.getByLabel('Layer', { exact: true }).locator('option[title="/features/features.0/features.0.0/Conv"]');
  await page.getByLabel('Layer', { exact: true }).selectOption(await stem.getAttribute('value'));
  await expect(page.getByTestId('example-grid').getByRole('button').first()).toHaveAccessibleName(/ channel \d+: strongest in .+ at \(\d+, \d+\), -?\d+\.\d\d$/);
  await page.screenshot({ path: testInfo.outputPath('examples-foreign-stem-1280x720.png') });
});
