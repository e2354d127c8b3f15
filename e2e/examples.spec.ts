/**
 * The Examples view (issue 28) on the default model, the drawn-shapes network: 20 drawn
 * shapes (model/shapes.py) and the four samples. The CSV's strongest example of every tap and
 * channel must be the argmax over all photos and positions of onnxruntime-node's output on the
 * very crops the page kept (read back from its IndexedDB; the crops of the PNGs are also checked
 * against src/image/preprocess run here). Then Cancel/Continue, a reload that computes nothing
 * again, Forget photos, and a folder with bad files.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { PNG } from 'pngjs';
import { preprocess } from '../src/image/preprocess';
import { compareRank1, downloadCsv, drawnShapes, keptCrops, progress, referenceOutputs, rgbOf, SAMPLE_COUNT, waitAllDone, type InputLite, type TapLite } from './examples-helpers';
import { DEFAULT_MODEL_ID, ROOT, samplePath, waitForModel } from './helpers';
import { generated, workerStats } from './robust-helpers';

interface ManifestLite {
  input: InputLite & { resizeSize: number; cropSize: number };
  taps: TapLite[];
}
const MODEL_DIR = resolve(ROOT, 'public/models', DEFAULT_MODEL_ID);
const manifest = JSON.parse(readFileSync(resolve(MODEL_DIR, 'manifest.json'), 'utf8')) as ManifestLite;

async function openExamples(page: Page): Promise<void> {
  await page.goto('./?debug');
  await waitForModel(page);
  await page.getByRole('button', { name: 'Examples', exact: true }).click();
}

test.describe('Examples view', () => {
  test.describe.configure({ timeout: 600_000 });

  test("the CSV's strongest example of every tap and channel is onnxruntime-node's argmax on the same crops; reload computes nothing again", async ({ page }) => {
    const shapes = drawnShapes();
    await openExamples(page);
    await waitAllDone(page, SAMPLE_COUNT);
    await page.getByLabel('Add photos').setInputFiles(shapes);
    const total = SAMPLE_COUNT + shapes.length;
    await expect(page.getByTestId('examples-count')).toContainText(`${total} photos`);
    await waitAllDone(page, total);
    // The samples' first batch read whole maps; every added photo's examples came from the model's own statistics.
    expect(await page.evaluate(() => window.__convlens!.examples.timings.fromStats)).toBe(shapes.length);

    const csv = await downloadCsv(page);
    const lines = csv.trim().split('\n');
    expect(lines[0]).toBe('tap,channel,rank,photo,row,col,value');
    const channels = manifest.taps.reduce((n, t) => n + t.shape[0]!, 0);
    expect(lines.length - 1).toBe(channels * 9);

    const crops = await keptCrops(page);
    expect(crops.size).toBe(total);
    // The app's crop of each drawn PNG is the crop src/image/preprocess makes of it here.
    for (const s of shapes) {
      const png = PNG.sync.read(s.buffer);
      const mine = preprocess(png.data, png.width, png.height, manifest.input).crop.data;
      expect(Buffer.compare(Buffer.from(rgbOf(PNG.sync.read(crops.get(s.name)!)).data), Buffer.from(mine)), s.name).toBe(0);
    }
    const outputs = await referenceOutputs(resolve(MODEL_DIR, 'model.onnx'), manifest.input, manifest.taps, crops);
    const { wrong, exactPlace, checked } = compareRank1(lines, outputs, manifest.taps);
    expect(wrong.slice(0, 20)).toEqual([]);
    expect(checked).toBe(channels);
    // Real ties are rare: almost every channel's place is exactly the reference's.
    expect(exactPlace / checked).toBeGreaterThan(0.98);

    // A reload brings the examples back from IndexedDB: the worker runs no photo for them.
    await page.reload();
    await waitForModel(page);
    const before = (await workerStats(page)).runsExecuted;
    await page.getByRole('button', { name: 'Examples', exact: true }).click();
    await waitAllDone(page, total);
    await expect(page.getByTestId('example-grid').getByRole('button').first()).toHaveAccessibleName(/^features\.0\.0 channel \d+: strongest in .+ at \(\d+, \d+\), -?\d+\.\d\d$/);
    expect(await downloadCsv(page)).toBe(csv);
    expect((await workerStats(page)).runsExecuted).toBe(before);

    // The layer's mosaics as one picture: 16 columns of 108 px mosaics, 40 stem channels in 3 rows.
    const [png] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download examples (.png)' }).click()]);
    const picture = PNG.sync.read(readFileSync((await png.path())!));
    expect([picture.width, picture.height]).toEqual([16 * 114 + 6, 28 + 3 * 130 + 6]);

    // A tile opens its channel: the 9 photos (with the channel's maps, asked of the worker) and all photos ranked by its mean.
    const tile = page.getByTestId('example-grid').getByRole('button').first();
    const channel = Number(await tile.getAttribute('data-channel'));
    await tile.click();
    const dialog = page.getByRole('dialog', { name: `features.0.0 channel ${channel}` });
    await expect(dialog.getByRole('img')).toHaveCount(9);
    await expect(dialog.getByRole('list', { name: "Photos ranked by the channel's mean" }).getByRole('listitem')).toHaveCount(12);
    await expect.poll(async () => (await workerStats(page)).runsExecuted).toBe(before + 9);
    await dialog.getByRole('button', { name: 'Close' }).click();

    // Forget photos: nothing left, after a reload too.
    await page.getByRole('button', { name: 'Forget photos' }).click();
    await expect(page.getByTestId('examples-count')).toHaveText('0 photos');
    await page.reload();
    await waitForModel(page);
    await page.getByRole('button', { name: 'Examples', exact: true }).click();
    await expect(page.getByTestId('examples-count')).toHaveText('0 photos');
    await expect(page.getByTestId('example-grid')).toHaveCount(0);
  });

  test('Cancel keeps what is done, Continue runs only the rest; bad files are listed, never stopping the rest', async ({ page }) => {
    const shapes = drawnShapes();
    await openExamples(page);
    await waitAllDone(page, SAMPLE_COUNT);
    const base = (await workerStats(page)).runsExecuted;
    const rocket = readFileSync(samplePath('rocket.jpg'));
    const bad = [
      { name: 'notes.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('Shopping list: flour, eggs, milk.\n') },
      { name: 'cut.jpg', mimeType: 'image/jpeg', buffer: rocket.subarray(0, Math.floor(rocket.length / 2)) },
      generated('huge-16000x12000.png'),
      generated('animated.gif'),
    ];
    // The worker holds the first batch until Cancel is pressed: Cancel surely comes mid-way.
    await page.evaluate(() => window.__convlens!.worker('hold-runs'));
    await page.getByLabel('Add photos').setInputFiles([...shapes.slice(0, 8), ...bad, ...shapes.slice(8)]);
    await expect(page.getByTestId('examples-progress')).toHaveAttribute('data-busy', 'true');
    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.evaluate(() => window.__convlens!.worker('release-runs'));
    await expect(page.getByTestId('examples-progress')).toHaveAttribute('data-busy', 'false');
    // The batch in the worker (4 photos) is kept; nothing after it ran.
    await expect(progress(page)).toHaveAttribute('aria-valuetext', '8 of 28 photos');
    await expect(page.getByRole('button', { name: 'Continue' })).toBeVisible();
    expect((await workerStats(page)).runsExecuted - base).toBe(4);

    await page.getByRole('button', { name: 'Continue' }).click();
    // The two unreadable files leave the count: 4 samples + 20 shapes + the huge PNG and the GIF.
    await waitAllDone(page, 26);
    await expect(page.getByTestId('examples-skipped')).toHaveText(' · 2 skipped: notes.jpg is not an image, cut.jpg is incomplete');
    // Every readable photo ran exactly once: those before Cancel were not run again.
    expect((await workerStats(page)).runsExecuted - base).toBe(22);
  });
  for (const theme of ['light', 'dark'] as const) {
    test(`axe-core: no serious or critical violations in the view and a channel's dialog, ${theme} theme`, async ({ page }) => {
      await page.emulateMedia({ colorScheme: theme });
      await openExamples(page);
      await waitAllDone(page, SAMPLE_COUNT);
      const serious = async () =>
        (await new AxeBuilder({ page }).analyze()).violations
          .filter((v) => v.impact === 'serious' || v.impact === 'critical')
          .flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(' ')}`));
      expect(await serious()).toEqual([]);
      await page.getByTestId('example-grid').getByRole('button').nth(1).click();
      await expect(page.getByRole('dialog', { name: 'features.0.0 channel 1' }).getByRole('img')).toHaveCount(4);
      expect(await serious()).toEqual([]);
    });
  }
});
