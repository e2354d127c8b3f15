import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { PNG } from 'pngjs';
import { getLut } from '../src/render/colormaps';
import { exportLayout } from '../src/render/exportLayout';
import { computeChannelStats, isDeadChannel, meanMap, sortChannels, strongestChannels } from '../src/render/stats';
import { differenceRange, differenceTensor, sharedRange } from '../src/render/compare';
import { renderMap } from '../src/render/channelImage';
import { dropFiles, photoFile, samplePath, tilePixels, waitForModel, waitForResult } from './helpers';
import { canvasPixels, expectedTile, layerTensor, longGridWithUnpaintedTail, noHorizontalScroll, runSampleButton, shownChannels } from './teaching-helpers';

test.beforeEach(async ({ page }) => {
  await page.goto('./');
  await waitForModel(page);
});

test('clicking a tile opens the channel large with the value under the pointer, its statistics and the receptive field on the photo', async ({ page }) => {
  await runSampleButton(page, 'Espresso', 'coffee.png');
  const stem = await layerTensor(page, 'features.0.0');
  await page.getByRole('button', { name: 'features.0.0 channel 5', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'features.0.0 channel 5' });
  await expect(dialog).toBeVisible();

  const stats = computeChannelStats(stem);
  const dd = dialog.getByTestId('detail-stats').locator('dd');
  await expect(dd).toHaveCount(4);
  const shown = (await dd.allTextContents()).map((t) => parseFloat(t));
  expect(shown[0]).toBeCloseTo(stats.min[5]!, 3);
  expect(shown[1]).toBeCloseTo(stats.max[5]!, 3);
  expect(shown[2]).toBeCloseTo(stats.mean[5]!, 3);
  expect(shown[3]).toBeCloseTo(stats.fracPositive[5]! * 100, 1);

  // Point at the centre of map cell (row 3, column 10).
  const canvas = dialog.getByTestId('detail-channel');
  const box = (await canvas.boundingBox())!;
  await page.mouse.move(box.x + ((10 + 0.5) * box.width) / 56, box.y + ((3 + 0.5) * box.height) / 56);
  const probe = dialog.getByTestId('detail-probe');
  await expect(probe).toContainText('row 3, column 10:');
  const value = parseFloat((await probe.textContent())!.split(':')[1]!);
  expect(value).toBeCloseTo(stem.data[5 * 56 * 56 + 3 * 56 + 10]!, 3);
  // The stem's 4×4 stride-4 patches: cell (3, 10) sees x 40–44, y 12–16, outlined on the photo.
  await expect(dialog.getByTestId('detail-field')).toContainText('x 40–44, y 12–16');
  const photo = await canvasPixels(page, '[data-testid="detail-photo"]');
  const at = (x: number, y: number) => photo.data.slice((y * photo.width + x) * 4, (y * photo.width + x) * 4 + 3);
  expect(at(40, 13)).toEqual([255, 214, 0]); // outline
  expect(at(100, 100)).not.toEqual([255, 214, 0]);
  await page.screenshot({ path: 'screenshots/teaching-detail.png' });

  // A stage-3 block: the field is 256 px, clamped to the crop.
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await page.getByLabel('Layer', { exact: true }).selectOption('features.5.0');
  await page.getByRole('button', { name: 'features.5.0 channel 2', exact: true }).click();
  const deep = page.getByRole('dialog', { name: 'features.5.0 channel 2' });
  const deepBox = (await deep.getByTestId('detail-channel').boundingBox())!;
  await page.mouse.move(deepBox.x + (0.5 * deepBox.width) / 14, deepBox.y + (0.5 * deepBox.height) / 14);
  await expect(deep.getByTestId('detail-field')).toContainText('x 0–136, y 0–136');
  await expect(deep.getByTestId('detail-field')).toContainText('cut to the crop');
});

test('the overlay puts the selected channel or the layer mean on the photo, with an opacity slider', async ({ page }) => {
  await runSampleButton(page, 'Espresso', 'coffee.png');
  await page.getByRole('button', { name: 'features.0.0 channel 7', exact: true }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Close' }).click();
  await expect(page.getByTestId('overlay-caption')).toContainText('features.0.0 channel 7');
  const crop = await canvasPixels(page, '.crop__canvas');
  const slider = page.getByLabel('Overlay opacity');
  await slider.fill('0');
  await expect.poll(async () => (await canvasPixels(page, '[data-testid="overlay-canvas"]')).data).toEqual(crop.data);
  await slider.fill('1');
  const full = (await canvasPixels(page, '[data-testid="overlay-canvas"]')).data;
  expect(full).not.toEqual(crop.data);
  await slider.fill('0.5');
  const half = (await canvasPixels(page, '[data-testid="overlay-canvas"]')).data;
  // Half opacity lies between the photo and the full overlay, pixel by pixel.
  for (let i = 0; i < half.length; i += 997) {
    if (i % 4 === 3) continue;
    expect(Math.abs(half[i]! - (crop.data[i]! + full[i]!) / 2)).toBeLessThanOrEqual(2);
  }
  await page.getByLabel('Overlay shows').selectOption('mean');
  await expect(page.getByTestId('overlay-caption')).toContainText('features.0.0, mean over channels');
  await expect.poll(async () => (await canvasPixels(page, '[data-testid="overlay-canvas"]')).data).not.toEqual(half);
});

test('normalisation modes and colour maps draw exactly what the renderers compute, with the real range on the colour bar', async ({ page }) => {
  await runSampleButton(page, 'Espresso', 'coffee.png');
  const tap = 'features.1.0.block.0'; // depthwise: signed values
  const t = await layerTensor(page, tap);
  const cases = [
    ['channel', 'viridis'],
    ['layer', 'cividis'],
    ['symmetric', 'diverging'],
    ['channel', 'grey'],
    ['layer', 'magma'],
  ] as const;
  const stats = computeChannelStats(t);
  const bar = page.locator('.colour-bar').first();
  const barEnds = [
    [stats.layerMin, stats.layerMax], // per channel: the bar shows the layer's full range
    [stats.layerMin, stats.layerMax],
    [-stats.maxAbs, stats.maxAbs],
  ];
  for (const [i, [norm, cmap]] of cases.entries()) {
    await page.getByLabel('Normalisation').selectOption(norm);
    await page.getByLabel('Colour map').selectOption(cmap);
    await expect.poll(() => tilePixels(page, `${tap} channel 3`)).toEqual(expectedTile(t, 3, norm, cmap));
    const ends = barEnds[['channel', 'layer', 'symmetric'].indexOf(norm)]!;
    const ticks = await bar.locator('.colour-bar__ticks span').allTextContents();
    expect(parseFloat(ticks[0]!), `${i}: bar min`).toBeCloseTo(ends[0]!, 1);
    expect(parseFloat(ticks.at(-1)!), `${i}: bar max`).toBeCloseTo(ends[1]!, 1);
    if (norm === 'symmetric') await expect(bar.locator('figcaption')).toContainText('Symmetric around zero');
  }
});

test('the grid sorts by mean, max and share active, hides dead channels and shows the strongest channels', async ({ page }) => {
  await runSampleButton(page, 'Espresso', 'coffee.png');
  const tap = 'features.1.0.block.4';
  const t = await layerTensor(page, tap);
  const stats = computeChannelStats(t);
  for (const [key, label] of [['mean', 'Mean (highest first)'], ['max', 'Maximum (highest first)'], ['active', 'Share active (highest first)']] as const) {
    await page.getByLabel('Sort channels').selectOption({ label });
    await expect.poll(() => shownChannels(page)).toEqual(Array.from(sortChannels(stats, key, false)).slice(0, 128));
  }
  // Tile pixels follow their channel, not their slot.
  const first = (await shownChannels(page))[0]!;
  expect(await tilePixels(page, `${tap} channel ${first}`)).toEqual(expectedTile(t, first, 'channel', 'viridis'));

  // Dead channels: the pool layer's 1×1 maps are constant by construction, every one of them.
  await page.getByLabel('Sort channels').selectOption('index');
  const pool = await layerTensor(page, 'avgpool');
  const poolStats = computeChannelStats(pool);
  const dead = Array.from({ length: poolStats.channels }, (_, c) => c).filter((c) => isDeadChannel(poolStats, c)).length;
  await expect(page.getByTestId('dead-count')).toContainText(`${dead} dead`);
  await page.getByLabel('Hide dead channels').check();
  await expect(page.locator('.channel-grid .tile')).toHaveCount(Math.min(128, poolStats.channels - dead));
  await page.getByLabel('Hide dead channels').uncheck();
  await page.getByLabel('Layer', { exact: true }).selectOption(tap);

  await page.getByRole('button', { name: 'Strongest channels' }).click();
  await expect.poll(() => shownChannels(page)).toEqual(Array.from(strongestChannels(stats, 16)));
  await expect(page.getByTestId('strongest-caption')).toContainText('highest mean activation for coffee.png');
  await page.screenshot({ path: 'screenshots/teaching-strongest.png' });
});

test('tiles far below the window are painted when they scroll into view, and then show their channel exactly', async ({ page }) => {
  // The grid's paint log is a test global, present only with ?debug (src/app/debugHook.ts).
  await page.goto('./?debug');
  await waitForModel(page);
  await runSampleButton(page, 'Espresso', 'coffee.png');
  const tap = 'features.1.0.block.4';
  const { tensor: t } = await longGridWithUnpaintedTail(page, tap);
  const paintsBefore = await page.evaluate(() => window.__convlensGridPaints!.length);
  expect(await tilePixels(page, `${tap} channel 159`)).toEqual(expectedTile(t, 159, 'channel', 'viridis'));
  // Scrolling painted that tile alone: the grid as a whole was not repainted.
  expect(await page.evaluate(() => window.__convlensGridPaints!.length)).toBe(paintsBefore);
  // A colour map change repaints what is on screen, and the rest as it comes into view.
  await page.getByLabel('Colour map').selectOption('magma');
  await page.evaluate(() => window.scrollTo(0, 0));
  expect(await tilePixels(page, `${tap} channel 159`)).toEqual(expectedTile(t, 159, 'channel', 'magma'));
  expect(await tilePixels(page, `${tap} channel 0`)).toEqual(expectedTile(t, 0, 'channel', 'magma'));
});

test('the journey shows one row per stage with the photo, the mean map and the strongest channels', async ({ page }) => {
  await runSampleButton(page, 'Espresso', 'coffee.png');
  const taps = ['features.0.1', 'features.1.1', 'features.3.1', 'features.5.5', 'features.7.1'];
  const tensors = [];
  for (const tap of taps) tensors.push(await layerTensor(page, tap));
  await page.getByRole('button', { name: 'Journey' }).click();
  const rows = page.getByTestId('journey-row');
  await expect(rows).toHaveCount(5);
  expect(await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-tap')))).toEqual(taps);
  for (let i = 0; i < taps.length; i++) {
    const t = tensors[i]!;
    const row = rows.nth(i);
    const strongest = Array.from(strongestChannels(computeChannelStats(t), 4));
    const labels = await row.locator('.tile-button').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')));
    expect(labels).toEqual(strongest.map((c) => `${taps[i]} channel ${c}`));
    // The mean map's pixels are the mean over channels, stretched over its own range.
    const mean = meanMap(t);
    const ms = computeChannelStats({ name: 'm', shape: [1, t.shape[1]!, t.shape[2]!], data: mean });
    const expected = new Uint8ClampedArray(mean.length * 4);
    renderMap(expected, mean, { min: ms.layerMin, max: ms.layerMax }, getLut('viridis'));
    const drawn = await row.getByRole('img', { name: /mean over/ }).evaluate((c: HTMLCanvasElement) => Array.from(c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data));
    expect(drawn).toEqual(Array.from(expected));
  }
  await page.screenshot({ path: 'screenshots/teaching-journey.png', fullPage: true });
});

test('compare: two photos side by side on one colour scale, and their difference', async ({ page }) => {
  const tap = 'features.3.0';
  await runSampleButton(page, 'Cat', 'chelsea.png');
  const b = await layerTensor(page, tap);
  await runSampleButton(page, 'Espresso', 'coffee.png');
  const a = await layerTensor(page, tap);
  await page.getByLabel('Channels shown').fill('8');
  await page.getByRole('button', { name: 'Compare', exact: true }).click();
  await page.getByRole('button', { name: 'Use Cat as photo B' }).click();
  const compare = page.getByTestId('compare');
  await expect(compare).toHaveAttribute('data-b', 'chelsea.png', { timeout: 120_000 });
  await expect(compare).toHaveAttribute('data-a', 'coffee.png');

  const sa = computeChannelStats(a);
  const sb = computeChannelStats(b);
  const diff = differenceTensor(a, b);
  const sd = computeChannelStats(diff);
  const hw = 28 * 28;
  const draw = (values: Float32Array, range: { min: number; max: number }, cmap: 'viridis' | 'diverging') => {
    const out = new Uint8ClampedArray(hw * 4);
    renderMap(out, values, range, getLut(cmap));
    return Array.from(out);
  };
  const pixels = (name: string) => page.locator(`[aria-label="${name}"] canvas`).evaluate((c: HTMLCanvasElement) => Array.from(c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data));
  const ch = 5;
  const shared = sharedRange(sa, sb, ch, 'channel');
  expect(await pixels(`A ${tap} channel ${ch}`)).toEqual(draw(a.data.subarray(ch * hw, (ch + 1) * hw), shared, 'viridis'));
  expect(await pixels(`B ${tap} channel ${ch}`)).toEqual(draw(b.data.subarray(ch * hw, (ch + 1) * hw), shared, 'viridis'));
  expect(await pixels(`A − B ${tap} channel ${ch}`)).toEqual(draw(diff.data.subarray(ch * hw, (ch + 1) * hw), differenceRange(sd, ch, 'channel'), 'diverging'));
  await expect(page.locator('.compare [aria-label^="A features"]')).toHaveCount(8);
  await expect(compare.getByRole('figure', { name: /Colour scale of the difference/ })).toBeVisible();
  await page.screenshot({ path: 'screenshots/teaching-compare.png', fullPage: true });

  // A new main photo does not cancel the second photo's run (runs supersede only in their own slot).
  await page.getByRole('button', { name: 'Use Rocket as photo B' }).click();
  await page.getByRole('group', { name: 'Sample photos' }).getByRole('button', { name: 'Astronaut' }).click();
  await expect(compare).toHaveAttribute('data-b', 'rocket.jpg', { timeout: 120_000 });
  await expect(compare).toHaveAttribute('data-a', 'astronaut.png', { timeout: 120_000 });
});

test('each layer kind has an explanation with its shape and receptive field filled in', async ({ page }) => {
  const explanation = page.getByTestId('layer-explanation');
  await expect(explanation).toContainText('4×4 convolution with stride 4');
  await expect(explanation).toContainText('40 channels of 56×56');
  const expectations: [string, RegExp][] = [
    ['features.0.1', /LayerNorm/],
    ['features.1.0.block.0', /7×7 depthwise convolution.*28×28-pixel patch/],
    ['features.3.0.block.4', /80 channels 4× to 320.*GELU/],
    ['features.5.2', /residual connection.*160 channels of 14×14.*448×448-pixel field/],
    ['features.6.1', /halves the grid to 7×7 and changes the channels from 160 to 320/],
  ];
  for (const [tap, text] of expectations) {
    await page.getByLabel('Layer', { exact: true }).selectOption(tap);
    await expect(explanation).toHaveText(text);
  }
});

test('Download grid (.png): title, labelled tiles whose pixels equal the on-screen tiles, and the colour bar', async ({ page }) => {
  await runSampleButton(page, 'Espresso', 'coffee.png');
  const tap = 'features.3.1.block.4';
  await page.getByLabel('Layer', { exact: true }).selectOption(tap);
  await page.getByLabel('Channels shown').fill('24');
  await page.getByLabel('Sort channels').selectOption('max');
  await page.getByLabel('Colour map').selectOption('magma');
  const channels = await shownChannels(page);
  expect(channels).toHaveLength(24);
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download grid (.png)' }).click()]);
  expect(download.suggestedFilename()).toBe(`${tap}_grid.png`);
  const png = PNG.sync.read(readFileSync(await download.path()));
  const layout = exportLayout({ tileCount: 24, mapWidth: 28, mapHeight: 28 });
  expect([png.width, png.height]).toEqual([layout.width, layout.height]);
  const px = (x: number, y: number) => Array.from(png.data.subarray((y * png.width + x) * 4, (y * png.width + x) * 4 + 4));
  for (let i = 0; i < channels.length; i++) {
    const screen = await tilePixels(page, `${tap} channel ${channels[i]}`);
    const tile = layout.tiles[i]!;
    // Every pixel of each integer-upscale block must hold the on-screen pixel's value.
    const mismatches: string[] = [];
    for (let y = 0; y < layout.tileHeight; y++) {
      for (let x = 0; x < layout.tileWidth; x++) {
        const s = (Math.floor(y / layout.scale) * 28 + Math.floor(x / layout.scale)) * 4;
        const got = px(tile.x + x, tile.y + y);
        if (got.some((v, k) => v !== screen[s + k])) mismatches.push(`(${x},${y}) ${got} vs ${screen.slice(s, s + 4)}`);
      }
    }
    expect(mismatches.slice(0, 3), `tile ${i} (channel ${channels[i]}): ${mismatches.length} pixels differ`).toEqual([]);
    // The label under the tile has ink in it.
    let ink = 0;
    for (let y = tile.y + layout.tileHeight + 2; y < tile.y + layout.tileHeight + 16; y++) for (let x = tile.x; x < tile.x + layout.tileWidth; x++) if (px(x, y)[0]! < 128) ink++;
    expect(ink, `label of tile ${i}`).toBeGreaterThan(5);
  }
  // Title ink, and the colour bar's ends are the map's first and last colours.
  let titleInk = 0;
  for (let y = 16; y < 40; y++) for (let x = 16; x < 400; x++) if (px(x, y)[0]! < 128) titleInk++;
  expect(titleInk).toBeGreaterThan(100);
  const lut = getLut('magma');
  const bar = layout.colourBar;
  expect(px(bar.x, bar.y + 8)).toEqual([lut[0], lut[1], lut[2], 255]);
  expect(px(bar.x + bar.width - 1, bar.y + 8)).toEqual([lut[1020], lut[1021], lut[1022], 255]);
});

test('Download statistics (.csv) holds every channel’s min, max, mean, std and share positive', async ({ page }) => {
  await runSampleButton(page, 'Espresso', 'coffee.png');
  const tap = 'features.5.0';
  const t = await layerTensor(page, tap);
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download statistics (.csv)' }).click()]);
  expect(download.suggestedFilename()).toBe(`${tap}_channel_stats.csv`);
  const lines = readFileSync(await download.path(), 'utf8').trim().split('\n');
  expect(lines[0]).toBe('channel,min,max,mean,std,fraction_positive');
  expect(lines).toHaveLength(161);
  const s = computeChannelStats(t);
  for (const c of [0, 17, 159]) {
    const [ch, min, max, mean, std, pos] = lines[c + 1]!.split(',').map(Number);
    expect(ch).toBe(c);
    expect(min).toBeCloseTo(s.min[c]!, 5);
    expect(max).toBeCloseTo(s.max[c]!, 5);
    expect(mean).toBeCloseTo(s.mean[c]!, 5);
    expect(std).toBeCloseTo(s.std[c]!, 5);
    expect(pos).toBeCloseTo(s.fracPositive[c]!, 6);
  }
});

test('a link restores the view; an own photo is flagged as unable to travel; unknown values are ignored', async ({ page, context }) => {
  await runSampleButton(page, 'Espresso', 'coffee.png');
  const historyLength = await page.evaluate(() => history.length);
  await page.getByLabel('Layer', { exact: true }).selectOption('features.3.0.block.4');
  await page.getByLabel('First channel').fill('16');
  await page.getByLabel('Channels shown').fill('32');
  await page.getByLabel('Normalisation').selectOption('symmetric');
  await page.getByLabel('Colour map').selectOption('diverging');
  await page.getByRole('button', { name: 'features.3.0.block.4 channel 21', exact: true }).click();
  await page.keyboard.press('Escape');
  await expect.poll(() => page.url()).toContain('channel=21');
  const url = page.url();
  for (const part of ['layer=features.3.0.block.4', 'first=16', 'count=32', 'norm=symmetric', 'cmap=diverging', 'sample=coffee', 'view=grid']) expect(url).toContain(part);
  expect(await page.evaluate(() => history.length)).toBe(historyLength); // replaceState: no history spam
  await expect(page.getByTestId('own-photo-note')).toHaveCount(0);

  const other = await context.newPage();
  await other.goto(url);
  await waitForModel(other);
  await waitForResult(other, 'coffee.png');
  await expect(other.getByLabel('Layer', { exact: true })).toHaveValue('features.3.0.block.4');
  await expect(other.getByLabel('Normalisation')).toHaveValue('symmetric');
  await expect(other.getByLabel('Colour map')).toHaveValue('diverging');
  await expect(other.getByTestId('channel-range')).toHaveText('channels 16-47 of 320');
  await expect(other.locator('.tile--selected')).toHaveAttribute('aria-label', 'features.3.0.block.4 channel 21');
  await expect(other.getByTestId('overlay-caption')).toContainText('channel 21');
  expect(await tilePixels(other, 'features.3.0.block.4 channel 21')).toEqual(await tilePixels(page, 'features.3.0.block.4 channel 21'));
  await other.screenshot({ path: 'screenshots/teaching-link-restored.png' });
  await other.close();

  await dropFiles(page, [photoFile(samplePath('rocket.jpg'))]);
  await waitForResult(page, 'rocket.jpg');
  await expect(page.getByTestId('own-photo-note')).toContainText('cannot travel in a link');
  await expect.poll(() => page.url()).not.toContain('sample=');

  const bad = await context.newPage();
  await bad.goto('./?layer=features.99&cmap=jet&norm=loud&first=abc&sample=pizza&view=3d');
  await waitForModel(bad);
  await expect(bad.getByLabel('Layer', { exact: true })).toHaveValue('features.0.0');
  await expect(bad.getByLabel('Colour map')).toHaveValue('viridis');
  await expect(bad.getByLabel('Normalisation')).toHaveValue('channel');
  await bad.close();
});

test('keyboard only: arrows move channel and layer, Enter opens a tile, ? lists the keys, f presents, Escape closes', async ({ page }) => {
  await runSampleButton(page, 'Espresso', 'coffee.png');
  await page.locator('h1').click(); // focus outside any form control
  await page.keyboard.press('ArrowRight');
  await expect(page.locator('.tile--selected')).toHaveAttribute('aria-label', 'features.0.0 channel 0');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await expect(page.locator('.tile--selected')).toHaveAttribute('aria-label', 'features.0.0 channel 2');
  await page.keyboard.press('ArrowLeft');
  await expect(page.locator('.tile--selected')).toHaveAttribute('aria-label', 'features.0.0 channel 1');
  await page.keyboard.press('ArrowDown');
  await expect(page.getByLabel('Layer', { exact: true })).toHaveValue('features.0.1');
  await page.keyboard.press('ArrowUp');
  await expect(page.getByLabel('Layer', { exact: true })).toHaveValue('features.0.0');

  // Tab to a tile and open it with Enter; arrows in the dialog step channels; Escape closes.
  const tile = page.getByRole('button', { name: 'features.0.0 channel 3', exact: true });
  await tile.focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('dialog', { name: 'features.0.0 channel 3' })).toBeVisible();
  await page.keyboard.press('ArrowRight');
  await expect(page.getByRole('dialog', { name: 'features.0.0 channel 4' })).toBeVisible();
  // Focused on the map, arrows move the probe instead.
  await page.getByTestId('detail-channel').focus();
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowDown');
  await expect(page.getByTestId('detail-probe')).toContainText('row 1, column 2:');
  await expect(page.getByRole('dialog', { name: 'features.0.0 channel 4' })).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog')).toHaveCount(0);

  await page.keyboard.press('?');
  const keys = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await expect(keys).toBeVisible();
  await expect(keys).toContainText('presenter view');
  await page.keyboard.press('Escape');
  await expect(keys).toBeHidden();

  await page.locator('h1').click();
  await page.keyboard.press('f');
  await expect(page.locator('.app')).toHaveClass(/app--presenter/);
  const width = await page.locator('.channel-grid .tile').first().evaluate((e) => e.getBoundingClientRect().width);
  expect(width).toBeGreaterThanOrEqual(200);
  const bg = await page.locator('.app').evaluate((e) => getComputedStyle(e).backgroundColor);
  expect(bg).toBe('rgb(0, 0, 0)');
  await page.screenshot({ path: 'screenshots/teaching-presenter.png' });
  await page.keyboard.press('f');
  await expect(page.locator('.app')).not.toHaveClass(/app--presenter/);

  // Every control the teaching tools add has an accessible name.
  const unnamed = await page.evaluate(() =>
    [...document.querySelectorAll('button, select, input')].filter((el) => {
      const e = el as HTMLElement;
      if (e.closest('dialog:not([open])') || e.offsetParent === null) return false;
      const label = e.getAttribute('aria-label') || (e as HTMLInputElement).labels?.[0]?.textContent || e.textContent;
      return !label || !label.trim();
    }).map((e) => e.outerHTML.slice(0, 80)),
  );
  expect(unnamed).toEqual([]);
});

for (const [width, height] of [[1280, 720], [390, 844]] as const) {
  test(`layout at ${width}×${height}: no sideways scrolling in any view`, async ({ page }) => {
    await page.setViewportSize({ width, height });
    await runSampleButton(page, 'Espresso', 'coffee.png');
    await noHorizontalScroll(page);
    await page.screenshot({ path: `screenshots/teaching-${width}-grid.png` });
    await page.getByRole('button', { name: 'features.0.0 channel 1', exact: true }).click();
    await noHorizontalScroll(page);
    await page.screenshot({ path: `screenshots/teaching-${width}-detail.png` });
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'Journey' }).click();
    await expect(page.getByTestId('journey-row')).toHaveCount(5);
    await noHorizontalScroll(page);
    await page.screenshot({ path: `screenshots/teaching-${width}-journey.png`, fullPage: true });
    await page.getByRole('button', { name: 'Compare', exact: true }).click();
    await page.getByRole('button', { name: 'Use Cat as photo B' }).click();
    await expect(page.getByTestId('compare')).toHaveAttribute('data-b', 'chelsea.png', { timeout: 120_000 });
    await noHorizontalScroll(page);
    await page.screenshot({ path: `screenshots/teaching-${width}-compare.png` });
  });
}
