/** Shared steps of the teaching-tools tests: numbers recomputed in Node from the app's own .npy downloads. */
import { expect, type Locator, type Page } from '@playwright/test';
import { renderChannel } from '../src/render/channelImage';
import { getLut, type ColormapId } from '../src/render/colormaps';
import { valueRange, type NormalisationMode } from '../src/render/normalise';
import { computeChannelStats } from '../src/render/stats';
import type { LayerTensor } from '../src/render/types';
import { downloadLayer, waitForResult } from './helpers';

export async function runSampleButton(page: Page, title: string, file: string): Promise<void> {
  await page.getByRole('group', { name: 'Sample photos' }).getByRole('button', { name: title, exact: true }).click();
  await waitForResult(page, file);
}

export async function layerTensor(page: Page, tap: string): Promise<LayerTensor> {
  const { shape, data } = await downloadLayer(page, tap);
  return { name: tap, shape: shape.length === 1 ? [shape[0]!, 1, 1] : shape, data };
}

/** The RGBA pixels the app must draw for one channel, computed in Node with the same pure renderer. */
export function expectedTile(tensor: LayerTensor, channel: number, mode: NormalisationMode, cmap: ColormapId): number[] {
  const [, h = 1, w = 1] = tensor.shape;
  const out = new Uint8ClampedArray(h * w * 4);
  renderChannel(out, tensor, channel, valueRange(tensor, channel, mode, undefined, computeChannelStats(tensor)), getLut(cmap));
  return Array.from(out);
}

/** Channel numbers the grid shows, in order. */
export async function shownChannels(page: Page): Promise<number[]> {
  const attr = await page.getByTestId('channel-grid').getAttribute('data-channels');
  return attr ? attr.split(',').map(Number) : [];
}

export async function noHorizontalScroll(page: Page): Promise<void> {
  const { scroll, client } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
  expect(scroll, 'page scrolls sideways').toBeLessThanOrEqual(client);
}

export async function canvasPixels(page: Page, selector: string): Promise<{ width: number; height: number; data: number[] }> {
  return page.locator(selector).evaluate((canvas: HTMLCanvasElement) => {
    const ctx = canvas.getContext('2d')!;
    return { width: canvas.width, height: canvas.height, data: Array.from(ctx.getImageData(0, 0, canvas.width, canvas.height).data) };
  });
}

/**
 * Shows 160 channels of `tap`, so the last tiles lie far below the window, and returns the
 * layer's tensor and the last tile's canvas, checked to be still unpainted (a canvas keeps
 * its default 300×150 until its first paint).
 */
export async function longGridWithUnpaintedTail(page: Page, tap: string): Promise<{ tensor: LayerTensor; last: Locator }> {
  await page.getByLabel('Layer', { exact: true }).selectOption(tap);
  const tensor = await layerTensor(page, tap);
  await page.getByLabel('Channels shown').fill('160');
  await expect(page.locator('.channel-grid .tile')).toHaveCount(160);
  const last = page.locator(`[aria-label="${tap} channel 159"] canvas`);
  expect(await last.evaluate((c: HTMLCanvasElement) => [c.width, c.height])).toEqual([300, 150]);
  return { tensor, last };
}
