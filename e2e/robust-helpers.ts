import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect, type Page } from '@playwright/test';
import { ROOT } from './helpers';
import type { WorkerStats } from '../src/worker/protocol';

/** Awkward photos made by e2e/fixtures/make_bad_photos.py (Pillow); ignored by git. */
export const GENERATED = resolve(ROOT, 'e2e/generated');

export function ensureGeneratedPhotos(): void {
  const done = resolve(GENERATED, 'done');
  const script = resolve(ROOT, 'e2e/fixtures/make_bad_photos.py');
  // `done` holds the hash of the script that made the photos: a newer script makes them again.
  if (existsSync(done) && readFileSync(done, 'utf8').trim() === createHash('sha256').update(readFileSync(script)).digest('hex')) return;
  const r = spawnSync('/usr/bin/python3', [script, GENERATED], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`make_bad_photos.py failed: ${r.stderr}`);
}

const MIME: Record<string, string> = { png: 'image/png', jpg: 'image/jpeg', gif: 'image/gif', heic: 'image/heic' };

export function file(name: string, buffer: Buffer): { name: string; mimeType: string; buffer: Buffer } {
  return { name, mimeType: MIME[name.split('.').pop() ?? ''] ?? 'application/octet-stream', buffer };
}

export function generated(name: string, as = name) {
  ensureGeneratedPhotos();
  return file(as, readFileSync(resolve(GENERATED, name)));
}

/** RGBA of one pixel of the 224x224 crop the page shows. */
export async function cropPixel(page: Page, x: number, y: number): Promise<number[]> {
  return page.locator('canvas.crop__canvas').evaluate(
    (canvas: HTMLCanvasElement, [px, py]) => Array.from(canvas.getContext('2d')!.getImageData(px!, py!, 1, 1).data),
    [x, y],
  );
}

export async function workerStats(page: Page): Promise<WorkerStats> {
  return page.evaluate(async () => (await window.__convlens!.worker('stats'))!);
}

/** The app is ready again and shows the given photo's result. */
export async function expectShowing(page: Page, photo: string): Promise<void> {
  await expect(page.getByTestId('channel-grid')).toHaveAttribute('data-photo', photo);
  await expect(page.locator('p[role="status"]')).toHaveAttribute('data-status', 'ready');
}
