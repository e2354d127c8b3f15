/**
 * The live camera, driven by Chromium's fake camera playing a Y4M made here from the
 * samples: the espresso for 1 s, then the cat for 1 s, looped by Chromium.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import * as ort from 'onnxruntime-node';
import { PNG } from 'pngjs';
import { preprocess } from '../src/image/preprocess';
import { mirrorRgbaInPlace } from '../src/image/mirror';
import type { RgbImage } from '../src/image/types';
import { pngCover, writeY4m } from '../scripts/y4m';
import { BASE_ARGS, CHROMIUM_PATH } from './chromium';
import { DEFAULT_MODEL_ID, downloadLayer, maxRelativeDifference, ROOT, samplePath, waitForModel, waitForResult } from './helpers';

// The model the page opens on (the drawn-shapes network): what a class points the camera at.
const MODEL_DIR = resolve(ROOT, 'public/models', DEFAULT_MODEL_ID);
const manifest = JSON.parse(readFileSync(resolve(MODEL_DIR, 'manifest.json'), 'utf8')) as {
  input: { name: string; shape: number[]; resizeSize: number; cropSize: number; mean: [number, number, number]; std: [number, number, number] };
  taps: { name: string; output?: string; kind: string; shape: number[] }[];
};

// 4:3 like a webcam, so the centre crop really crops; 10 frames a second.
const W = 320;
const H = 240;
const FPS = 10;
const coffee = pngCover(samplePath('coffee.png'), W, H);
const chelsea = pngCover(samplePath('chelsea.png'), W, H);
const Y4M = resolve(ROOT, 'e2e/generated/camera-coffee-chelsea.y4m');
// Written when the spec loads, before the browser (which reads it) starts.
mkdirSync(resolve(ROOT, 'e2e/generated'), { recursive: true });
writeY4m(Y4M, W, H, FPS, [
  { image: coffee, frames: FPS },
  { image: chelsea, frames: FPS },
]);

const FAKE_CAMERA = ['--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${Y4M}`];

/** What the model sees of a full frame (mirrored like the app, the camera having no facing mode). */
function modelCrop(frame: RgbImage, mirror: boolean): Uint8Array {
  const rgba = new Uint8ClampedArray(frame.width * frame.height * 4);
  for (let i = 0; i < frame.width * frame.height; i++) {
    rgba.set(frame.data.subarray(i * 3, i * 3 + 3), i * 4);
    rgba[i * 4 + 3] = 255;
  }
  if (mirror) mirrorRgbaInPlace(rgba, frame.width, frame.height);
  return preprocess(rgba, frame.width, frame.height, manifest.input).crop.data;
}

/** Mean absolute difference of an RGBA canvas read-back against packed RGB. */
function rgbaVsRgb(rgba: number[], rgb: Uint8Array): number {
  let sum = 0;
  for (let i = 0, p = 0; p < rgb.length; i += 4, p += 3) sum += Math.abs(rgba[i]! - rgb[p]!) + Math.abs(rgba[i + 1]! - rgb[p + 1]!) + Math.abs(rgba[i + 2]! - rgb[p + 2]!);
  return sum / rgb.length;
}

function meanAbs(a: number[], b: number[]): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i]! - b[i]!);
  return sum / a.length;
}

/** Mean absolute difference (0-255) below which a crop shows the same subject after the YUV 4:2:0 round trip. */
const SAME_SUBJECT = 12;

const status = (page: Page) => page.locator('p[role="status"]');

/** The crop the model saw and tile 0 of the grid, read in one go (so both belong to the same frame). */
async function snapshot(page: Page): Promise<{ run: number; crop: number[]; tile: number[] }> {
  return page.evaluate(() => {
    const read = (c: HTMLCanvasElement) => Array.from(c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data);
    const grid = document.querySelector<HTMLElement>('[data-testid="channel-grid"]')!;
    const crop = document.querySelector<HTMLCanvasElement>('canvas.crop__canvas')!;
    const tile = grid.querySelector<HTMLCanvasElement>('[data-channel="0"] canvas')!;
    return { run: Number(grid.dataset.run), crop: read(crop), tile: read(tile) };
  });
}

async function startCamera(page: Page): Promise<void> {
  await page.goto('./?debug');
  await waitForModel(page);
  await page.getByRole('button', { name: 'Use camera' }).click();
  await expect(page.getByTestId('channel-grid')).toHaveAttribute('data-photo', 'camera');
  // The rate is measured over a second of frames.
  await expect(status(page)).toContainText(/camera · [1-9]\d*\.\d fps · wasm|camera · 0\.[1-9] fps · wasm/, { timeout: 30_000 });
}

async function workerStats(page: Page) {
  return page.evaluate(() => window.__convlens!.worker('stats'));
}

// The camera "allowed" without a prompt (a denied camera: camera-denied.spec.ts).
test.use({
  launchOptions: { executablePath: CHROMIUM_PATH, args: [...BASE_ARGS, '--disable-gpu', '--use-fake-ui-for-media-stream', ...FAKE_CAMERA] },
  permissions: ['camera'],
});

test.describe('camera with a fake device', () => {
  test('tiles follow the video; Pause makes the frame the photo, and its .npy matches onnxruntime-node on the saved PNG', async ({ page }) => {
    test.setTimeout(240_000);
    await startCamera(page);

    // Classify each shown frame by the crop the model saw: espresso or cat (mirrored, as the app does by default).
    const refs = { coffee: modelCrop(coffee, true), chelsea: modelCrop(chelsea, true) };
    const unmirrored = modelCrop(coffee, false);
    const seen: Record<'coffee' | 'chelsea', { run: number; tile: number[] }[]> = { coffee: [], chelsea: [] };
    let lastRun = -1;
    await expect
      .poll(
        async () => {
          const s = await snapshot(page);
          if (s.run !== lastRun) {
            lastRun = s.run;
            const d = { coffee: rgbaVsRgb(s.crop, refs.coffee), chelsea: rgbaVsRgb(s.crop, refs.chelsea) };
            const subject = d.coffee < d.chelsea ? 'coffee' : 'chelsea';
            // Close to one subject (YUV 4:2:0 round trip only), far from the other.
            expect(Math.min(d.coffee, d.chelsea)).toBeLessThan(SAME_SUBJECT);
            expect(Math.max(d.coffee, d.chelsea)).toBeGreaterThan(2 * SAME_SUBJECT);
            if (subject === 'coffee') expect(d.coffee).toBeLessThan(rgbaVsRgb(s.crop, unmirrored));
            seen[subject].push({ run: s.run, tile: s.tile });
          }
          return Math.min(seen.coffee.length, seen.chelsea.length);
        },
        { timeout: 90_000, intervals: [50] },
      )
      .toBeGreaterThanOrEqual(2);
    // The tiles change with the subject: far more between subjects than between two frames of one.
    const within = Math.max(meanAbs(seen.coffee[0]!.tile, seen.coffee[1]!.tile), meanAbs(seen.chelsea[0]!.tile, seen.chelsea[1]!.tile));
    const between = meanAbs(seen.coffee[0]!.tile, seen.chelsea[0]!.tile);
    expect(between).toBeGreaterThan(10);
    expect(between).toBeGreaterThan(4 * within);

    // Pause: the camera stops and the last frame becomes the photo, through the photo's own path.
    // The live frame's logits are read in the same task as the click, so they are the frame frozen.
    const liveLogits = await page.evaluate(() => {
      const logits = Array.from(window.__convlens!.store.getState().activations!.tensors.get('logits')!.data);
      [...document.querySelectorAll('button')].find((b) => b.textContent === 'Pause')!.click();
      return logits;
    });
    await expect(page.getByTestId('channel-grid')).toHaveAttribute('data-photo', /^camera-frame-\d{8}-\d{6}\.png$/);
    await expect(status(page)).toHaveAttribute('data-status', 'ready');
    // The frame run live and the same frame run again as a PNG photo give the same numbers.
    const photoLogits = await page.evaluate(() => Array.from(window.__convlens!.store.getState().activations!.tensors.get('logits')!.data));
    expect(maxRelativeDifference(Float32Array.from(photoLogits), Float32Array.from(liveLogits))).toBeLessThan(1e-6);
    await expect(status(page)).not.toContainText('fps');
    expect(await page.getByTestId('camera-video').evaluate((v: HTMLVideoElement) => v.srcObject)).toBeNull();

    const [frameDownload] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download frame (.png)' }).click()]);
    expect(frameDownload.suggestedFilename()).toMatch(/^camera-frame-.*\.png$/);
    const png = PNG.sync.read(readFileSync(await frameDownload.path()));
    // The full frame before resizing, mirrored.
    expect([png.width, png.height]).toEqual([W, H]);
    const pngCrop = preprocess(png.data, png.width, png.height, manifest.input);
    const pngRgba = Array.from(cropRgba(pngCrop.crop));
    expect(Math.min(rgbaVsRgb(pngRgba, refs.coffee), rgbaVsRgb(pngRgba, refs.chelsea))).toBeLessThan(SAME_SUBJECT);

    // Native reference: onnxruntime-node on that PNG, preprocessed by the PIL-exact src/image code.
    const session = await ort.InferenceSession.create(resolve(MODEL_DIR, 'model.onnx'));
    const outputs = await session.run({ [manifest.input.name]: new ort.Tensor('float32', pngCrop.tensor, manifest.input.shape) });
    for (const tapName of ['features.1.1', 'features.5.5', 'logits']) {
      const tap = manifest.taps.find((t) => t.name === tapName)!;
      const expected = outputs[tap.output ?? tap.name]!.data as Float32Array;
      const got = await downloadLayer(page, tapName);
      expect(got.shape).toEqual(tap.shape);
      expect(maxRelativeDifference(got.data, expected)).toBeLessThan(1e-4);
    }
    await session.release();

    // Space resumes and pauses again (outside inputs).
    await page.locator('h1').click();
    await page.keyboard.press(' ');
    await expect(status(page)).toContainText('camera ·');
    await expect(page.getByTestId('channel-grid')).toHaveAttribute('data-photo', 'camera');

    // Mirror off: the model now sees the frame as the camera sends it.
    await page.getByLabel('Mirror').uncheck();
    const plain = { coffee: modelCrop(coffee, false), chelsea: modelCrop(chelsea, false) };
    await expect
      .poll(
        async () => {
          const s = await snapshot(page);
          return Math.min(rgbaVsRgb(s.crop, plain.coffee), rgbaVsRgb(s.crop, plain.chelsea));
        },
        { timeout: 30_000 },
      )
      .toBeLessThan(SAME_SUBJECT);

    await page.locator('h1').click();
    await page.keyboard.press(' ');
    await expect(page.getByRole('button', { name: 'Resume' })).toBeVisible();
    await expect(page.getByTestId('channel-grid')).toHaveAttribute('data-photo', /^camera-frame-/);
  });

  test('frames never leave the tab and every frame is closed; a hidden page stops the camera', async ({ page }) => {
    test.setTimeout(180_000);
    await startCamera(page);
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    const start = await page.evaluate(() => ({ t: performance.now(), applied: window.__convlens!.camera().applied }));
    let maxWorkerOpen = 0;
    let maxPageOpen = 0;
    // Ten seconds of camera, sampling the open-frame counters on the way.
    await expect
      .poll(
        async () => {
          const stats = await workerStats(page);
          const cam = await page.evaluate(() => ({ t: performance.now(), ...window.__convlens!.camera() }));
          maxWorkerOpen = Math.max(maxWorkerOpen, stats!.framesOpen);
          maxPageOpen = Math.max(maxPageOpen, cam.openOnPage);
          return cam.t - start.t;
        },
        { timeout: 60_000, intervals: [250] },
      )
      .toBeGreaterThan(10_000);
    const after = await page.evaluate(() => window.__convlens!.camera());
    expect(requests).toEqual([]);
    expect(after.applied - start.applied).toBeGreaterThanOrEqual(10);
    // However many frames the camera delivered: the worker holds the one it reads, the page
    // at most the one waiting and the one being grabbed.
    expect(maxWorkerOpen).toBeLessThanOrEqual(1);
    expect(maxPageOpen).toBeLessThanOrEqual(2);
    const received = await workerStats(page);
    expect(received!.framesReceived).toBeGreaterThan(after.applied - 1);
    // Chromium has WebCodecs: every frame came as a VideoFrame, converted without a canvas.
    expect(received!.framesDirect).toBeGreaterThanOrEqual(after.applied);

    // The page is hidden: the stream stops (light off) and the last frame is the photo.
    await page.evaluate(() => {
      Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
      document.dispatchEvent(new Event('visibilitychange'));
    });
    await expect(page.getByRole('button', { name: 'Resume' })).toBeVisible();
    expect(await page.getByTestId('camera-video').evaluate((v: HTMLVideoElement) => v.srcObject)).toBeNull();
    await expect(page.getByTestId('channel-grid')).toHaveAttribute('data-photo', /^camera-frame-/);
    await expect.poll(async () => (await workerStats(page))!.framesOpen).toBe(0);
    expect((await page.evaluate(() => window.__convlens!.camera())).openOnPage).toBe(0);
    await page.evaluate(() => {
      Object.defineProperty(document, 'visibilityState', { value: 'visible', configurable: true });
    });
    await page.getByRole('button', { name: 'Resume' }).click();
    await expect(page.getByTestId('channel-grid')).toHaveAttribute('data-photo', 'camera');
    await page.getByRole('button', { name: 'Stop camera' }).click();
    await expect(page.getByRole('button', { name: 'Use camera' })).toBeVisible();
    await expect.poll(async () => (await workerStats(page))!.framesOpen).toBe(0);
  });

  test('an unplugged camera says so and leaves its last frame as the photo', async ({ page }) => {
    await startCamera(page);
    await page.getByTestId('camera-video').evaluate((v: HTMLVideoElement) => {
      const track = (v.srcObject as MediaStream).getVideoTracks()[0]!;
      track.stop(); // stop() alone fires no event; the browser fires 'ended' when the device goes
      track.dispatchEvent(new Event('ended'));
    });
    await expect(page.getByRole('alert')).toContainText('unplugged');
    await expect(page.getByRole('button', { name: 'Use camera' })).toBeVisible();
    await expect(page.getByTestId('channel-grid')).toHaveAttribute('data-photo', /^camera-frame-/);
  });
});

test.describe('camera failures', () => {
  test('no camera, a camera in use, an insecure page: clear alerts, and the photo stays', async ({ page }) => {
    await page.addInitScript(() => {
      const w = window as unknown as { __cameraError: string; __insecure: boolean };
      w.__cameraError = 'NotFoundError';
      navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException('simulated', w.__cameraError));
    });
    await page.goto('./?debug');
    await waitForModel(page);
    await page.getByRole('button', { name: 'Espresso' }).click();
    await waitForResult(page, 'coffee.png');
    await page.getByRole('button', { name: 'Use camera' }).click();
    await expect(page.getByRole('alert')).toContainText('No camera was found');
    await page.evaluate(() => ((window as unknown as { __cameraError: string }).__cameraError = 'NotReadableError'));
    await page.getByRole('button', { name: 'Use camera' }).click();
    await expect(page.getByRole('alert')).toContainText('another application');
    await page.evaluate(() => Object.defineProperty(window, 'isSecureContext', { value: false, configurable: true }));
    await page.getByRole('button', { name: 'Use camera' }).click();
    await expect(page.getByRole('alert')).toContainText('https://');
    // Nothing was lost: the photo and its result are still shown, and the camera is off.
    await expect(page.getByTestId('channel-grid')).toHaveAttribute('data-photo', 'coffee.png');
    await expect(page.getByRole('button', { name: 'Use camera' })).toBeEnabled();
  });
});

function cropRgba(crop: RgbImage): Uint8ClampedArray {
  const out = new Uint8ClampedArray(crop.width * crop.height * 4);
  for (let i = 0; i < crop.width * crop.height; i++) out.set(crop.data.subarray(i * 3, i * 3 + 3), i * 4);
  return out;
}
