/**
 * Issue 7: whatever is dropped on the page, whatever breaks underneath, the page
 * explains it in role="alert", keeps the last good result and model, and goes on.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { ROOT, dropFiles, photoFile, samplePath, waitForModel, waitForResult } from './helpers';
import { cropPixel, ensureGeneratedPhotos, expectShowing, file, generated, workerStats } from './robust-helpers';

const alert = (page: Page) => page.getByRole('alert');
const notice = (page: Page) => page.locator('.notice');
const caption = (page: Page) => page.locator('.crop__dims');

test.beforeAll(() => ensureGeneratedPhotos());

test.beforeEach(async ({ page }) => {
  await page.goto('./?debug=1');
  await waitForModel(page);
  await dropFiles(page, [photoFile(samplePath('coffee.png'))]);
  await waitForResult(page, 'coffee.png');
});

/** The page still works: a good photo runs, and the alert is gone once it has. */
async function stillUsable(page: Page): Promise<void> {
  await dropFiles(page, [photoFile(samplePath('rocket.jpg'))]);
  await waitForResult(page, 'rocket.jpg');
  await expect(alert(page)).toHaveCount(0);
}

test.describe('bad photos: a clear message, the previous result stays, the app goes on', () => {
  const jpegHead = readFileSync(samplePath('rocket.jpg'));
  const cases: { what: string; file: ReturnType<typeof file>; message: RegExp }[] = [
    { what: 'a text file renamed .jpg', file: file('shopping-list.jpg', Buffer.from('Eggs\nMilk\nFlour\n')), message: /"shopping-list\.jpg".*not an image: it contains text/ },
    { what: 'random bytes named .png', file: file('noise.png', randomBytes(4096)), message: /"noise\.png".*not an image in a format the browser knows/ },
    { what: 'a truncated JPEG', file: file('cut-off.jpg', jpegHead.subarray(0, Math.floor(jpegHead.length * 0.6))), message: /"cut-off\.jpg".*JPEG is incomplete/ },
    { what: 'a 0-byte file', file: file('empty.jpg', Buffer.alloc(0)), message: /"empty\.jpg" is empty \(0 bytes\)/ },
    {
      what: 'a HEIC photo the browser cannot decode',
      // An iPhone HEIC's ISO-BMFF header ('ftyp' box, brand heic) over HEVC data Chromium has no decoder for.
      file: file('IMG_0042.heic', Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypheic\0\0\0\0mif1heic'), randomBytes(2048)])),
      message: /"IMG_0042\.heic".*HEIC photo.*cannot decode.*JPEG/,
    },
  ];
  // One page for all cases: each must also leave the page fit for the next.
  test('each gets its message and the page goes on', async ({ page }) => {
    for (const c of cases) {
      await test.step(c.what, async () => {
        await dropFiles(page, [c.file]);
        await expect(alert(page)).toContainText(c.message);
        await expectShowing(page, 'coffee.png'); // the previous result stays on screen
        await expect(caption(page)).toContainText('600×400');
        await page.screenshot({ path: `screenshots/robust-bad-${c.file.name}.png` });
        await stillUsable(page);
        await dropFiles(page, [photoFile(samplePath('coffee.png'))]);
        await waitForResult(page, 'coffee.png');
      });
    }
  });
});

test('awkward photos that must work, one after another on one page', async ({ page }) => {
  const cases: [string, (page: Page) => Promise<void>][] = [
    ['a 16000x12000 PNG is decoded scaled down and says so', async (page: Page) => {
      await dropFiles(page, [generated('huge-16000x12000.png')]);
      await waitForResult(page, 'huge-16000x12000.png');
      await expect(caption(page)).toContainText('16000×12000');
      await expect(notice(page)).toContainText('shrunk to 4096×3072 by the browser');
      // Left half red, right half blue survive the two-step resize.
      const left = await cropPixel(page, 20, 112);
      const right = await cropPixel(page, 200, 112);
      expect(left[0]).toBeGreaterThan(200);
      expect(left[2]).toBeLessThan(40);
      expect(right[2]).toBeGreaterThan(200);
      expect(right[0]).toBeLessThan(40);
      await expect(alert(page)).toHaveCount(0);
      await page.screenshot({ path: 'screenshots/robust-huge.png' });
    }],

    ['an animated GIF uses its first frame and says so', async (page: Page) => {
      await dropFiles(page, [generated('animated.gif')]);
      await waitForResult(page, 'animated.gif');
      const [r, g, b] = await cropPixel(page, 112, 112);
      expect(g).toBeGreaterThan(180); // green first frame, not the magenta second one
      expect(r).toBeLessThan(60);
      expect(b).toBeLessThan(60);
      await expect(notice(page)).toContainText('animated GIF with 2 frames: the model sees the first frame only');
    }],

    ['an animated PNG uses its first frame and says how many it has', async (page: Page) => {
      await dropFiles(page, [generated('animated.png')]);
      await waitForResult(page, 'animated.png');
      const [r, g, b] = await cropPixel(page, 112, 112);
      expect(g).toBeGreaterThan(180);
      expect(r).toBeLessThan(60);
      expect(b).toBeLessThan(60);
      await expect(notice(page)).toContainText('animated PNG with 3 frames: the model sees the first frame only');
    }],

    ['a greyscale JPEG runs as three equal channels', async (page: Page) => {
      await dropFiles(page, [generated('greyscale.jpg')]);
      await waitForResult(page, 'greyscale.jpg');
      for (const y of [10, 112, 210]) {
        const [r, g, b] = await cropPixel(page, 112, y);
        expect(r).toBe(g);
        expect(g).toBe(b);
      }
    }],

    ['a CMYK JPEG runs with its colours', async (page: Page) => {
      await dropFiles(page, [generated('cmyk.jpg')]);
      await waitForResult(page, 'cmyk.jpg');
      const left = await cropPixel(page, 20, 112);
      const right = await cropPixel(page, 200, 112);
      expect(left[0]).toBeGreaterThan(left[2]! + 100); // red half
      expect(right[2]).toBeGreaterThan(right[0]! + 100); // blue half
    }],

    ['a transparent PNG is composited over white, and the page says so', async (page: Page) => {
      await dropFiles(page, [generated('transparent.png')]);
      await waitForResult(page, 'transparent.png');
      expect(await cropPixel(page, 5, 5)).toEqual([255, 255, 255, 255]);
      expect(await cropPixel(page, 112, 112)).toEqual([0, 0, 0, 255]);
      await expect(notice(page)).toContainText('Transparent parts were filled with white');
      await page.screenshot({ path: 'screenshots/robust-transparent.png' });
    }],

    ['a 1x1 image runs and the page says there is little to see', async (page: Page) => {
      await dropFiles(page, [generated('one-pixel.png')]);
      await waitForResult(page, 'one-pixel.png');
      expect(await cropPixel(page, 0, 0)).toEqual([220, 20, 20, 255]);
      await expect(notice(page)).toContainText('only 1×1 pixels');
    }],

    ['a phone JPEG with EXIF orientation 6 comes out portrait, rotated', async (page: Page) => {
      await dropFiles(page, [generated('phone-exif-rotated.jpg')]);
      await waitForResult(page, 'phone-exif-rotated.jpg');
      await expect(caption(page)).toContainText('200×300'); // stored 300x200
      const top = await cropPixel(page, 112, 10);
      const bottom = await cropPixel(page, 112, 214);
      expect(top[0]).toBeGreaterThan(180); // the stored left (red) half is now on top
      expect(top[2]).toBeLessThan(60);
      expect(bottom[2]).toBeGreaterThan(180);
      expect(bottom[0]).toBeLessThan(60);
    }],

    ['several files dropped at once: the first image is used and the page says so', async (page: Page) => {
      await dropFiles(page, [file('notes.txt', Buffer.from('hello')), photoFile(samplePath('chelsea.png')), photoFile(samplePath('rocket.jpg'))]);
      await waitForResult(page, 'chelsea.png');
      await expect(notice(page)).toHaveText('3 items were dropped; showing "chelsea.png" only.');
    }],

    ['a dropped folder gets a message and changes nothing', async (page: Page) => {
      // A real OS-level drag of a directory, through the browser's input pipeline.
      const cdp = await page.context().newCDPSession(page);
      const data = { items: [], files: [resolve(ROOT, 'public/samples')], dragOperationsMask: 1 };
      for (const type of ['dragEnter', 'dragOver', 'drop'] as const) await cdp.send('Input.dispatchDragEvent', { type, x: 640, y: 400, data });
      await expect(alert(page)).toContainText('A folder was dropped');
      await expectShowing(page, 'chelsea.png'); // the previous step's photo
      await stillUsable(page);
    }],
  ];
  for (const [what, check] of cases) await test.step(what, () => check(page));
});

test.describe('bad models and manifests: a clear error, the last good model keeps working', () => {
  const manifestPath = resolve(ROOT, 'public/models/convnext-atto-untrained/manifest.json');
  const modelPath = resolve(ROOT, 'public/models/convnext-atto-untrained/model.onnx');
  const goodManifest = () => JSON.parse(readFileSync(manifestPath, 'utf8')) as Record<string, unknown> & { file: { sha256: string; bytes: number }; taps: { name: string }[] };
  const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

  async function loadBroken(page: Page, manifest: string, model: Buffer | string): Promise<void> {
    await page.route('**/models/broken/manifest.json', (route) => route.fulfill({ body: manifest, contentType: 'application/json' }));
    await page.route('**/models/broken/model.onnx', (route) =>
      typeof model === 'string' ? route.fulfill({ path: model }) : route.fulfill({ body: model, contentType: 'application/octet-stream' }),
    );
    await page.evaluate(() => window.__convlens!.loadModel('models/broken/manifest.json'));
  }

  const noise = randomBytes(1 << 20);
  const truncated = readFileSync(modelPath).subarray(0, 6_000_000);
  const cases: { what: string; manifest: () => string; model: Buffer | string; message: RegExp }[] = [
    {
      what: 'random bytes as the model (its sha256 in the manifest, so onnxruntime must reject it)',
      manifest: () => JSON.stringify({ ...goodManifest(), file: { ...goodManifest().file, sha256: sha256(noise), bytes: noise.length } }),
      model: noise,
      message: /onnxruntime could not open this model/,
    },
    { what: 'a truncated model', manifest: () => readFileSync(manifestPath, 'utf8'), model: truncated, message: /model\.onnx does not match its manifest: sha256.*truncated/ },
    {
      what: 'a manifest that does not match the model outputs',
      manifest: () => {
        const m = goodManifest();
        m.taps[3]!.name = 'features.1.9.not_an_output';
        return JSON.stringify(m);
      },
      model: modelPath,
      message: /manifest does not match the model: 1 tap\(s\) are not outputs of model\.onnx \(features\.1\.9\.not_an_output\)/,
    },
    {
      what: 'a manifest with a missing field',
      manifest: () => {
        const m = goodManifest();
        delete m.input;
        return JSON.stringify(m);
      },
      model: modelPath,
      message: /manifest is invalid: manifest field "input" should be an object, found nothing/,
    },
    { what: 'a manifest that is not JSON', manifest: () => '\u0089PNG not json', model: modelPath, message: /model manifest.*is not valid JSON/ },
  ];
  test('each is refused with its message, one after another on one page', async ({ page }) => {
    for (const c of cases) {
      await test.step(c.what, async () => {
        await loadBroken(page, c.manifest(), c.model);
        await expect(alert(page)).toContainText(c.message);
        await expect(page.locator('p[role="status"]')).toHaveAttribute('data-status', 'ready');
        await expect(page.getByTestId('backend')).toContainText('wasm');
        await expect(page.locator('p[role="status"]')).toContainText('ConvNeXt-Atto');
        await page.unrouteAll();
        await stillUsable(page); // the last good model runs, and the error goes away
      });
    }
  });
});

test.describe('faults', () => {
  test('the worker dies: it is restarted, the model reloaded, and the page keeps its state', async ({ page }) => {
    await page.getByLabel('Layer', { exact: true }).selectOption('features.1.0.block.4');
    await page.getByLabel('First channel').fill('10');
    await page.getByLabel('Colour map').selectOption('magma');
    await expect(page.getByTestId('channel-range')).toHaveText('channels 10-137 of 160');
    const before = await workerStats(page);
    expect(before.runsExecuted).toBe(1);

    await page.evaluate(() => window.__convlens!.worker('crash'));
    await expect(alert(page)).toContainText('The inference worker stopped');
    await page.screenshot({ path: 'screenshots/robust-worker-crash.png' });
    await waitForModel(page);
    await expect(alert(page)).toHaveCount(0);
    // A fresh worker (its counters start again), the same view.
    expect((await workerStats(page)).runsExecuted).toBe(0);
    await expectShowing(page, 'coffee.png');
    await expect(page.getByLabel('Layer', { exact: true })).toHaveValue('features.1.0.block.4');
    await expect(page.getByTestId('channel-range')).toHaveText('channels 10-137 of 160');
    await expect(page.getByLabel('Colour map')).toHaveValue('magma');
    await stillUsable(page);
    await expect(page.getByTestId('channel-grid')).toHaveAttribute('data-tap', 'features.1.0.block.4');
  });

  test('a photo dropped as the worker dies is run again on the new worker', async ({ page }) => {
    await dropFiles(page, [photoFile(samplePath('chelsea.png'))]);
    await page.evaluate(() => window.__convlens!.worker('crash'));
    await waitForResult(page, 'chelsea.png');
    await expect(alert(page)).toHaveCount(0);
  });

  test('ten photos within a second: only the last result shows and stale runs are not executed', async ({ page }) => {
    const photos = ['coffee.png', 'chelsea.png', 'rocket.jpg', 'astronaut.png'].map((f) => photoFile(samplePath(f)));
    await page.evaluate(() => {
      // Starts with the photo on screen; every photo shown after it is appended.
      const seen: string[] = [document.querySelector('[data-testid="channel-grid"]')!.getAttribute('data-photo')!];
      (window as unknown as { __photos: string[] }).__photos = seen;
      new MutationObserver(() => {
        const photo = document.querySelector('[data-testid="channel-grid"]')?.getAttribute('data-photo');
        if (photo && seen.at(-1) !== photo) seen.push(photo);
      }).observe(document.body, { subtree: true, attributes: true, childList: true });
    });
    // The worker takes the first photo and holds it before session.run (a debug hook), so the
    // other nine pile up behind it whatever the machine's speed: supersession alone decides.
    const before = await page.evaluate(async () => (await window.__convlens!.worker('hold-runs'))!);
    const payload = photos.map((p) => ({ name: p.name, type: p.mimeType, base64: p.buffer.toString('base64') }));
    await page.evaluate(async (items) => {
      const files = items.map((f) => new File([Uint8Array.from(atob(f.base64), (c) => c.charCodeAt(0))], f.name, { type: f.type }));
      for (let i = 0; i < 10; i++) {
        const f = files[i % files.length]!;
        const dt = new DataTransfer();
        dt.items.add(new File([f], `burst-${i}-${f.name}`, { type: f.type }));
        for (const type of ['dragenter', 'dragover', 'drop']) document.body.dispatchEvent(new DragEvent(type, { dataTransfer: dt, bubbles: true, cancelable: true }));
      }
    }, payload);
    // One photo held, eight replaced while waiting, the newest waiting: nothing has run yet.
    await expect.poll(async () => (await workerStats(page)).runsSuperseded - before.runsSuperseded).toBe(8);
    expect((await workerStats(page)).runsExecuted).toBe(before.runsExecuted);
    await page.evaluate(async () => window.__convlens!.worker('release-runs'));
    await waitForResult(page, 'burst-9-chelsea.png');
    const after = await workerStats(page);
    // Exactly two runs: the held first photo (its result is dropped by the page) and the newest.
    expect(after.runsExecuted - before.runsExecuted).toBe(2);
    expect(after.runsSuperseded - before.runsSuperseded).toBe(8);
    // Nothing is left queued: the next photo is the next run, and the held one never showed.
    await dropFiles(page, [photoFile(samplePath('rocket.jpg'))]);
    await waitForResult(page, 'rocket.jpg');
    expect((await workerStats(page)).runsExecuted).toBe(after.runsExecuted + 1);
    expect(await page.evaluate(() => (window as unknown as { __photos: string[] }).__photos)).toEqual(['coffee.png', 'burst-9-chelsea.png', 'rocket.jpg']);
  });
});
