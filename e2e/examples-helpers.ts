/**
 * Shared by the Examples specs (issue 28): the drawn shapes, the view's progress, the CSV, the
 * crops the page kept, and the check of the CSV's rank 1 against onnxruntime-node's argmax.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, type Page } from '@playwright/test';
import * as ort from 'onnxruntime-node';
import { PNG } from 'pngjs';
import { toNormalisedCHW } from '../src/image/normaliseInput';
import { ROOT } from './helpers';

export const SAMPLE_COUNT = 4;
export const RELATIVE = 1e-4;

/** What the comparison needs of a tap: its name, the graph value holding it, [C, H, W] or [C]. */
export interface TapLite {
  name: string;
  output?: string;
  shape: number[];
}
export interface InputLite {
  name: string;
  shape: number[];
  mean: [number, number, number];
  std: [number, number, number];
}

/** 20 drawn-shape PNGs of 256 px, as the network was trained on (model/shapes.py, fixed seed). */
export function drawnShapes(): { name: string; mimeType: string; buffer: Buffer }[] {
  const dir = mkdtempSync(join(tmpdir(), 'examples-shapes-'));
  execFileSync('/usr/bin/python3', ['model/shapes.py', '--seed', '28', '--count', '20', '--size', '256', '--png', dir], { cwd: ROOT, stdio: 'pipe' });
  return readdirSync(dir).sort().map((name) => ({ name, mimeType: 'image/png', buffer: readFileSync(join(dir, name)) }));
}

export const progress = (page: Page) => page.getByRole('progressbar', { name: 'Finding examples' });

export async function waitAllDone(page: Page, total: number): Promise<void> {
  await expect(progress(page)).toHaveAttribute('aria-valuetext', `${total} of ${total} photos`, { timeout: 240_000 });
  await expect(page.getByTestId('examples-progress')).toHaveAttribute('data-busy', 'false');
}

export async function downloadCsv(page: Page): Promise<string> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download examples (.csv)' }).click()]);
  return readFileSync((await download.path())!, 'utf8');
}

/** The crops the page kept, as PNG bytes, by the name the CSV uses (file name or sample id). */
export async function keptCrops(page: Page): Promise<Map<string, Buffer>> {
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

export function rgbOf(png: PNG): { width: number; height: number; data: Uint8Array } {
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

/** Per photo, per tap: onnxruntime-node's output (channel-major). */
export type Outputs = Map<string, Map<string, Float32Array>>;

/** onnxruntime-node on every kept crop; `modelPath` must have every tap's value as a graph output. */
export async function referenceOutputs(modelPath: string, input: InputLite, taps: TapLite[], crops: Map<string, Buffer>): Promise<Outputs> {
  const session = await ort.InferenceSession.create(modelPath);
  const out: Outputs = new Map();
  for (const [name, bytes] of crops) {
    const tensor = toNormalisedCHW(rgbOf(PNG.sync.read(bytes)), input.mean, input.std);
    const results = await session.run({ [input.name]: new ort.Tensor('float32', tensor, input.shape) }, taps.map((t) => t.output ?? t.name));
    out.set(name, new Map(taps.map((t) => [t.name, results[t.output ?? t.name]!.data as Float32Array])));
  }
  return out;
}

function valueAt(outputs: Outputs, tap: TapLite, channel: number, photo: string, row: number, col: number): number {
  const [, h = 1, w = 1] = tap.shape;
  return outputs.get(photo)!.get(tap.name)![channel * h * w + row * w + col]!;
}

/** A tap's largest |value| over every photo, channel and position. */
export function tapScale(outputs: Outputs, tap: TapLite): number {
  let scale = 0;
  for (const taps of outputs.values()) for (const v of taps.get(tap.name)!) scale = Math.max(scale, Math.abs(v));
  return scale;
}

function bestOf(outputs: Outputs, tap: TapLite, channel: number): Best {
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

/** Within 1e-4 of the value, relative (with a floor, by default 0.01, for values near zero). */
export const close = (a: number, b: number, floor = 0.01) => Math.abs(a - b) <= RELATIVE * Math.max(Math.abs(b), floor);

/**
 * Every tap and channel's rank 1 in the CSV against the reference's argmax over all photos and
 * positions: the value within `close`, and the place the page chose holds the maximum too (a
 * tie within the tolerance may pick another place). `floorOf` gives a tap's floor for `close`
 * (0.01 unless given). Failures collected, not thrown: thirty thousand expect() calls take minutes.
 */
export function compareRank1(csvLines: string[], outputs: Outputs, taps: TapLite[], floorOf: (tap: TapLite) => number = () => 0.01): { wrong: string[]; exactPlace: number; checked: number } {
  const rank1 = new Map(
    csvLines
      .slice(1)
      .map((l) => l.split(','))
      .filter((f) => f[2] === '1')
      .map((f) => [`${f[0]}#${f[1]}`, { photo: f[3]!, row: Number(f[4]), col: Number(f[5]), value: Number(f[6]) }]),
  );
  const wrong: string[] = [];
  let exactPlace = 0;
  let checked = 0;
  for (const tap of taps) {
    const floor = floorOf(tap);
    for (let c = 0; c < tap.shape[0]!; c++) {
      const got = rank1.get(`${tap.name}#${c}`);
      if (!got) {
        wrong.push(`${tap.name} channel ${c} has no rank 1`);
        continue;
      }
      const best = bestOf(outputs, tap, c);
      if (!close(got.value, best.value, floor)) wrong.push(`${tap.name} ${c}: ${got.value} vs ${best.value}`);
      // Ties aside: where the page chose another place, the reference holds the maximum there too.
      const there = valueAt(outputs, tap, c, got.photo, got.row, got.col);
      if (!close(there, best.value, floor)) wrong.push(`${tap.name} ${c} at ${got.photo} (${got.row}, ${got.col}): ${there} vs ${best.value} at ${best.photo} (${best.row}, ${best.col})`);
      if (got.photo === best.photo && got.row === best.row && got.col === best.col) exactPlace++;
      checked++;
    }
  }
  return { wrong, exactPlace, checked };
}
