/**
 * Shared by the *Why* view specs: drive the view, download its map, and compute the same
 * occlusion map with onnxruntime-node, written here independently of the app's code.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect, type Page } from '@playwright/test';
import * as ort from 'onnxruntime-node';
import { decodeNpy } from '../src/render/npy';
import { ROOT } from './helpers';

/** The photo coffee.png preprocessed by torchvision (model/make_class_evidence_golden.py), [1,3,224,224]. */
export function referenceInput(modelId: 'convnext-atto-untrained' | 'resnet18'): Float32Array {
  const path = resolve(ROOT, 'model/.cache/class-evidence', `${modelId}.input.bin`);
  if (!existsSync(path)) execFileSync(process.env.CONVLENS_PYTHON ?? '/usr/bin/python3', [resolve(ROOT, 'model/make_class_evidence_golden.py')], { stdio: 'inherit', timeout: 600_000 });
  return new Float32Array(readFileSync(path).buffer.slice(0));
}

/**
 * logit(original) − logit(with a P×P patch at (i·S, j·S) set to 0), one batch-1 run per patch,
 * for i, j = 0 … floor((224 − P)/S); NCHW input.
 */
export async function occlusionReference(modelPath: string, input: Float32Array, cls: number, patch: number, stride: number): Promise<{ map: Float32Array; n: number; baseLogit: number }> {
  const size = 224;
  const session = await ort.InferenceSession.create(modelPath);
  const logitsName = session.outputNames.includes('logits') ? 'logits' : session.outputNames[0]!;
  const logitOf = async (x: Float32Array) => ((await session.run({ input: new ort.Tensor('float32', x, [1, 3, size, size]) }, [logitsName]))[logitsName]!.data as Float32Array)[cls]!;
  const baseLogit = await logitOf(input);
  const n = Math.floor((size - patch) / stride) + 1;
  const map = new Float32Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const x = input.slice();
      for (let c = 0; c < 3; c++) for (let y = i * stride; y < i * stride + patch; y++) for (let xx = j * stride; xx < j * stride + patch; xx++) x[c * size * size + y * size + xx] = 0;
      map[i * n + j] = baseLogit - (await logitOf(x));
    }
  }
  await session.release();
  return { map, n, baseLogit };
}

export async function openWhy(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Why', exact: true }).click();
  await expect(page.getByRole('region', { name: 'Why this prediction' })).toBeVisible();
}

/** The class the view explains (its select's value). */
export async function whyClass(page: Page): Promise<number> {
  return Number(await page.getByLabel('Class', { exact: true }).inputValue());
}

/** Reads the identity the page shows: map sum + constant = logit, and the model's own logit. */
export async function identity(page: Page): Promise<{ text: string; mapSum: number; constant: number; logit: number; modelLogit: number }> {
  const el = page.getByTestId('why-identity');
  await expect(el).toBeVisible();
  const attr = async (name: string) => Number(await el.getAttribute(name));
  return { text: (await el.textContent()) ?? '', mapSum: await attr('data-map-sum'), constant: await attr('data-constant'), logit: await attr('data-logit'), modelLogit: await attr('data-model-logit') };
}

export async function downloadWhyMap(page: Page): Promise<{ shape: number[]; data: Float32Array; fileName: string }> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download map (.npy)' }).click()]);
  const decoded = decodeNpy(new Uint8Array(readFileSync(await download.path())));
  return { ...decoded, fileName: download.suggestedFilename() };
}

/** Runs occlusion in the page with the given settings and waits for its map. */
export async function runOcclusionInPage(page: Page, patch: number, stride: number): Promise<void> {
  await page.getByLabel('Method', { exact: true }).selectOption('occlusion');
  await page.getByLabel('Patch size').fill(String(patch));
  await page.getByLabel('Stride').fill(String(stride));
  await page.getByRole('button', { name: 'Run occlusion' }).click();
  await expect(page.getByRole('progressbar', { name: 'Occlusion progress' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Download map (.npy)' })).toBeVisible({ timeout: 240_000 });
  await expect(page.getByRole('progressbar')).toHaveCount(0);
}

/** Largest difference relative to the reference map's range (max − min). */
export function errorOfRange(got: Float32Array, want: Float32Array): number {
  let min = Infinity;
  let max = -Infinity;
  for (const v of want) {
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  let worst = 0;
  for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i]! - want[i]!));
  return worst / Math.max(max - min, 1e-12);
}
