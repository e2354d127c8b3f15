/**
 * The Examples view (issue 28) on the default model, the drawn-shapes network: 20 drawn
 * shapes (model/shapes.py) and the four samples. The CSV's strongest example of every tap and
 * channel must be the argmax over all photos and positions of onnxruntime-node's output on the
 * very crops the page kept (read back from its IndexedDB; the crops of the PNGs are also checked
 * against src/image/preprocess run here). Then Cancel/Continue, a reload that computes nothing
 * again, Forget photos, and a folder with bad files.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import * as ort from 'onnxruntime-node';
import { PNG } from 'pngjs';
import { toNormalisedCHW } from '../src/image/normaliseInput';
import { preprocess } from '../src/image/preprocess';
import { DEFAULT_MODEL_ID, ROOT, samplePath, waitForModel } from './helpers';
import { generated, workerStats } from './robust-helpers';

interface ManifestLite {
  input: { name: string; shape: number[]; resizeSize: number; cropSize: number; mean: [number, number, number]; std: [number, number, number] };
  taps: { name: string; output?: string; shape: number[] }[];
}
const MODEL_DIR = resolve(ROOT, 'public/models', DEFAULT_MODEL_ID);
const manifest = JSON.parse(readFileSync(resolve(MODEL_DIR, 'manifest.json'), 'utf8')) as ManifestLite;
const SAMPLE_COUNT = 4;
const RELATIVE = 1e-4;

/** 20 drawn-shape PNGs of 256 px, as the network was trained on (model/shapes.py, fixed seed). */
function drawnShapes(): { name: string; mimeType: string; buffer: Buffer }[] {
  const dir = mkdtempSync(join(tmpdir(), 'examples-shapes-'));
  execFileSync('/usr/bin/python3', ['model/shapes.py', '--seed', '28', '--count', '20', '--size', '256', '--png', dir], { cwd: ROOT, stdio: 'pipe' });
  return readdirSync(dir).sort().map((name) => ({ name, mimeType: 'image/png', buffer: readFileSync(join(dir, name)) }));
}

const progress = (page: Page) => page.getByRole('progressbar', { name: 'Finding examples' });

async function openExamples(page: Page): Promise<void> {
  await page.goto('./?debug');
  await waitForModel(page);
  await page.getByRole('button', { name: 'Examples', exact: true }).click();
}

async function waitAllDone(page: Page, total: number): Promise<void> {
  await expect(progress(page)).toHaveAttribute('aria-valuetext', `${total} of ${total} photos`, { timeout: 240_000 });
  await expect(page.getByTestId('examples-progress')).toHaveAttribute('data-busy', 'false');
}

async function downloadCsv(page: Page): Promise<string> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download examples (.csv)' }).click()]);
  return readFileSync((await download.path())!, 'utf8');
}

/** The crops the page kept, as PNG bytes, by the name the CSV uses (file name or sample id). */
async function keptCrops(page: Page): Promise<Map<string, Buffer>> {
  const rows = await page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((ok, ko) => {
      const r = indexedDB.open('convlens-examples');
      r.onsuccess = () => ok(r.result);
      r.onerror = () => ko(r.error);
    });
    const all = await new Promise<{ name: string; sampleId: string | null; image: Blob; isCrop: boolean }[]>((ok, ko) => {
      const r = db.transaction('photos').objectStore('photos').getAll();
      r.onsuccess = () => ok(r.result);
      r.onerror = () => ko(r.error);
    });
    // Base64 (a data URL), not an array of numbers: Playwright serialises big arrays slowly.
    const base64 = (blob: Blob) =>
      new Promise<string>((ok) => {
        const reader = new FileReader();
        reader.onload = () => ok(String(reader.result).split(',')[1]!);
        reader.readAsDataURL(blob);
      });
    return Promise.all(all.map(async (p) => ({ name: p.sampleId ?? p.name, isCrop: p.isCrop, bytes: await base64(p.image) })));
  });
  for (const r of rows) expect(r.isCrop, `${r.name} kept as its crop`).toBe(true);
  return new Map(rows.map((r) => [r.name, Buffer.from(r.bytes, 'base64')]));
}

function rgbOf(png: PNG): { width: number; height: number; data: Uint8Array } {
  const data = new Uint8Array(png.width * png.height * 3);
  for (let i = 0; i < png.width * png.height; i++) data.set(png.data.subarray(i * 4, i * 4 + 3), i * 3);
  return { width: png.width, height: png.height, data };
}

interface Best {
  value: number;
  photo: string;
  row: number;
  col: number;
}

/** onnxruntime-node on every kept crop: per tap, per photo, the output (channel-major). */
async function referenceOutputs(crops: Map<string, Buffer>): Promise<Map<string, Map<string, Float32Array>>> {
  const session = await ort.InferenceSession.create(resolve(MODEL_DIR, 'model.onnx'));
  const out = new Map<string, Map<string, Float32Array>>();
  for (const [name, bytes] of crops) {
    const tensor = toNormalisedCHW(rgbOf(PNG.sync.read(bytes)), manifest.input.mean, manifest.input.std);
    const results = await session.run({ [manifest.input.name]: new ort.Tensor('float32', tensor, manifest.input.shape) });
    out.set(name, new Map(manifest.taps.map((t) => [t.name, results[t.output ?? t.name]!.data as Float32Array])));
  }
  return out;
}

function valueAt(outputs: Map<string, Map<string, Float32Array>>, tap: ManifestLite['taps'][number], channel: number, photo: string, row: number, col: number): number {
  const [, h = 1, w = 1] = tap.shape;
  return outputs.get(photo)!.get(tap.name)![channel * h * w + row * w + col]!;
}

function bestOf(outputs: Map<string, Map<string, Float32Array>>, tap: ManifestLite['taps'][number], channel: number): Best {
  const [, h = 1, w = 1] = tap.shape;
  let best: Best = { value: -Infinity, photo: '', row: 0, col: 0 };
  for (const [photo, taps] of outputs) {
    const data = taps.get(tap.name)!;
    for (let i = 0; i < h * w; i++) {
      const v = data[channel * h * w + i]!;
      if (v > best.value) best = { value: v, photo, row: Math.floor(i / w), col: i % w };
    }
  }
  return best;
}

/** Within 1e-4 of the value, relative (with a floor of 0.01 for values near zero). */
const close = (a: number, b: number) => Math.abs(a - b) <= RELATIVE * Math.max(Math.abs(b), 0.01);

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
    const outputs = await referenceOutputs(crops);
    const rank1 = new Map(
      lines
        .slice(1)
        .map((l) => l.split(','))
        .filter((f) => f[2] === '1')
        .map((f) => [`${f[0]}#${f[1]}`, { photo: f[3]!, row: Number(f[4]), col: Number(f[5]), value: Number(f[6]) }]),
    );
    // Failures collected and checked once: thirty thousand expect() calls take minutes.
    const wrong: string[] = [];
    let exactPlace = 0;
    let checked = 0;
    for (const tap of manifest.taps) {
      for (let c = 0; c < tap.shape[0]!; c++) {
        const got = rank1.get(`${tap.name}#${c}`);
        if (!got) {
          wrong.push(`${tap.name} channel ${c} has no rank 1`);
          continue;
        }
        const best = bestOf(outputs, tap, c);
        if (!close(got.value, best.value)) wrong.push(`${tap.name} ${c}: ${got.value} vs ${best.value}`);
        // Ties aside: where the page chose another place, the reference holds the maximum there too.
        const there = valueAt(outputs, tap, c, got.photo, got.row, got.col);
        if (!close(there, best.value)) wrong.push(`${tap.name} ${c} at ${got.photo} (${got.row}, ${got.col}): ${there} vs ${best.value} at ${best.photo} (${best.row}, ${best.col})`);
        if (got.photo === best.photo && got.row === best.row && got.col === best.col) exactPlace++;
        checked++;
      }
    }
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
