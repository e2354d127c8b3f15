// The Filters view (issue 27): a linear layer's weights drawn as one outputs × inputs heat map,
// timed by the view's own `convlens:filters-painted` mark (src/components/filtersPaint.ts).
import { baseUrl, median, opts } from './lib.mjs';

/** Stage 3's first expanding linear layer: 384 × 1536 on ConvNeXt-Tiny, 320 × 1280 on Atto. */
export const FILTERS_TAP = 'features.5.0.block.4';

/**
 * Opens the view on FILTERS_TAP, then switches away and back `repeats` times (each return
 * reads the weight again unless the page kept it); the drawing alone (paintMs) and request →
 * drawn (sinceRequestMs) are the medians over the repeats.
 */
export async function filtersRun(context, manifest, id) {
  if (!manifest.taps.some((t) => t.name === FILTERS_TAP)) return null;
  const other = manifest.taps.find((t) => t.name === 'features.5.0.block.0')?.name ?? manifest.taps[0].name;
  const page = await context.newPage();
  try {
    await page.goto(`${baseUrl()}/?modelId=${id}&sample=coffee&layer=${FILTERS_TAP}&view=filters`);
    await page.locator('p[role="status"][data-status="ready"]').waitFor({ timeout: 180_000 });
    const painted = async () => {
      await page.waitForFunction((tap) => performance.getEntriesByName('convlens:filters-painted').some((e) => e.detail.tap === tap), FILTERS_TAP, { timeout: 120_000 });
      const detail = await page.evaluate((tap) => performance.getEntriesByName('convlens:filters-painted').findLast((e) => e.detail.tap === tap).detail, FILTERS_TAP);
      await page.evaluate(() => performance.clearMarks('convlens:filters-painted'));
      return detail;
    };
    const samples = [await painted()];
    for (let i = 1; i < (opts.smoke ? 2 : 6); i++) {
      await page.getByLabel('Layer', { exact: true }).selectOption(other);
      await page.getByLabel('Layer', { exact: true }).selectOption(FILTERS_TAP);
      samples.push(await painted());
    }
    const d = samples[0];
    return { tap: FILTERS_TAP, outputs: d.outputs, inputs: d.inputs, kind: d.kind, paintMs: median(samples.map((s) => s.paintMs)), firstRequestMs: d.sinceRequestMs, paints: samples.length };
  } finally {
    await page.close();
  }
}
