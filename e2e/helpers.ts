import { readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { expect, type Page } from '@playwright/test';
import { decodeNpy } from '../src/render/npy';
import type { GoldenTensor } from '../model/compare';

export type { GoldenTensor };

export const ROOT = resolve(import.meta.dirname, '..');
export const samplePath = (file: string) => resolve(ROOT, 'public/samples', file);

export interface Golden {
  modelId: string;
  photo: string;
  taps: Record<string, GoldenTensor>;
  input: GoldenTensor;
  top5: { index: number; label: string; probability: number }[];
}

/** The model the page opens on (public/models/index.json): the drawn-shapes network. */
export const DEFAULT_MODEL_ID = (JSON.parse(readFileSync(resolve(ROOT, 'public/models/index.json'), 'utf8')) as { default: string }).default;

/**
 * The untrained ConvNeXt-Atto. Its PyTorch twin is rebuilt from its seed (model/photo_golden.py,
 * float32 weights), so the tests of the pipeline's exactness against PyTorch open the page on it.
 */
export const UNTRAINED_ID = 'convnext-atto-untrained';
/** The app opened on the untrained model (`?modelId=`), plus any other query. */
export const untrainedUrl = (query = '') => `./?modelId=${UNTRAINED_ID}${query ? `&${query.replace(/^[?&]/, '')}` : ''}`;

export function readGolden(modelId = UNTRAINED_ID): Golden {
  return JSON.parse(readFileSync(resolve(ROOT, 'model/golden', `${modelId}.json`), 'utf8')) as Golden;
}

export function readManifest(modelId = UNTRAINED_ID): { taps: { name: string; kind: string; stage: number; shape: number[] }[] } {
  return JSON.parse(readFileSync(resolve(ROOT, 'public/models', modelId, 'manifest.json'), 'utf8'));
}

/** Waits until the model is loaded and the status line names the backend. */
export async function waitForModel(page: Page, backend: 'wasm' | 'webgpu' = 'wasm'): Promise<void> {
  await expect(page.locator('p[role="status"]')).toContainText(backend, { timeout: 120_000 });
  await expect(page.locator('p[role="status"]')).toHaveAttribute('data-status', 'ready');
}

/** Drops a file on the page through a real DragEvent carrying a DataTransfer, as a person's drop does. */
export async function dropFiles(page: Page, files: { name: string; mimeType: string; buffer: Buffer }[], target = 'body'): Promise<void> {
  const payload = files.map((f) => ({ name: f.name, mimeType: f.mimeType, base64: f.buffer.toString('base64') }));
  const dataTransfer = await page.evaluateHandle((items) => {
    const dt = new DataTransfer();
    for (const item of items) {
      const bytes = Uint8Array.from(atob(item.base64), (c) => c.charCodeAt(0));
      dt.items.add(new File([bytes], item.name, { type: item.mimeType }));
    }
    return dt;
  }, payload);
  await page.dispatchEvent(target, 'dragenter', { dataTransfer });
  await page.dispatchEvent(target, 'dragover', { dataTransfer });
  await page.dispatchEvent(target, 'drop', { dataTransfer });
}

export function photoFile(path: string): { name: string; mimeType: string; buffer: Buffer } {
  const name = basename(path);
  return { name, mimeType: name.endsWith('.png') ? 'image/png' : 'image/jpeg', buffer: readFileSync(path) };
}

/** Waits for the grid to show the given photo's result. */
export async function waitForResult(page: Page, photoName: string): Promise<void> {
  await expect(page.getByTestId('channel-grid')).toHaveAttribute('data-photo', photoName, { timeout: 120_000 });
  await expect(page.locator('p[role="status"]')).toHaveAttribute('data-status', 'ready');
}

export async function downloadLayer(page: Page, tap: string): Promise<{ shape: number[]; data: Float32Array; fileName: string }> {
  await page.getByLabel('Layer', { exact: true }).selectOption(tap);
  await expect(page.getByTestId('channel-grid')).toHaveAttribute('data-tap', tap);
  // Said apart, so a failure names its step: the button not ready to click, or a click that brought no download.
  const button = page.getByRole('button', { name: 'Download layer (.npy)' });
  await expect(button, 'the download button is enabled for the layer shown').toBeEnabled();
  // A missing download is what Chromium does to an <a download> beyond 10 a second per page (README, "The download that hung").
  const arrived = page.waitForEvent('download', { timeout: 60_000 }).catch((e: Error) => {
    throw new Error(`no download within 60 s of clicking Download layer (.npy) for ${tap} (more than 10 downloads a second? see README, "The download that hung"): ${e.message}`);
  });
  const [download] = await Promise.all([arrived, button.click()]);
  const path = await download.path();
  const decoded = decodeNpy(new Uint8Array(readFileSync(path)));
  return { ...decoded, fileName: download.suggestedFilename() };
}

/** Largest difference at the golden sample positions, relative to the tap's largest magnitude. */
export function relativeErrorAgainstGolden(data: Float32Array, golden: GoldenTensor): number {
  const scale = Math.max(Math.abs(golden.min), Math.abs(golden.max), 1e-6);
  let worst = 0;
  golden.samples.indices.forEach((index, i) => {
    worst = Math.max(worst, Math.abs(data[index]! - golden.samples.values[i]!) / scale);
  });
  return worst;
}

export function summary(data: Float32Array): { min: number; max: number; mean: number } {
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  for (const v of data) {
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
  }
  return { min, max, mean: sum / data.length };
}

export function maxRelativeDifference(a: Float32Array, b: Float32Array): number {
  let scale = 1e-6;
  for (const v of b) scale = Math.max(scale, Math.abs(v));
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst / scale;
}

/**
 * Reads a tile's pixels back from its canvas, scrolled on screen first: the grid paints
 * tiles far outside the viewport only when they come into view.
 */
export async function tilePixels(page: Page, label: string): Promise<number[]> {
  const tile = page.locator(`[aria-label="${label}"] canvas`);
  await tile.scrollIntoViewIfNeeded();
  // The IntersectionObserver's callback, which paints it, runs by the second frame.
  await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
  return tile.evaluate((canvas: HTMLCanvasElement) => {
    const ctx = canvas.getContext('2d')!;
    return Array.from(ctx.getImageData(0, 0, canvas.width, canvas.height).data);
  });
}
