/**
 * A phone in class, in Chromium's touch emulation (isMobile, hasTouch) at 390×844 and 360×740:
 * the grid on the first screen, the Controls sheet, swiping through the layers, the channel
 * detail full screen with pinch-zoom, and the back camera asked for.
 */
import { expect, test } from '@playwright/test';
import { box, fitsThePhone, fullyOnScreen, touchStroke, uncoveredTiles } from './phone-helpers';
import { untrainedUrl, waitForModel, waitForResult } from './helpers';

for (const [width, height] of [
  [390, 844],
  [360, 740],
] as const) {
  test.describe(`phone ${width}×${height}`, () => {
    test.use({ viewport: { width, height }, hasTouch: true, isMobile: true });

    test('the first screen: status, photo strip, layer picker and at least 6 uncovered tiles of 96 px; map and toolbar in the Controls sheet', async ({ page }) => {
      await page.goto('?sample=coffee');
      await waitForResult(page, 'coffee.png');
      const firstScreen = [
        page.locator('p[role="status"]'),
        page.locator('.crop__canvas'),
        ...['Espresso', 'Cat', 'Rocket', 'Astronaut'].map((name) => page.getByRole('button', { name, exact: true })),
        page.locator('label.file-button', { hasText: 'Choose photo' }),
        page.getByRole('button', { name: 'Use camera' }),
        page.getByLabel('Layer', { exact: true }),
        page.getByRole('button', { name: 'Controls' }),
      ];
      for (const l of firstScreen) expect(fullyOnScreen(await box(l), width, height), `${l} is on the first screen`).toBe(true);
      expect(await uncoveredTiles(page, 96)).toBeGreaterThanOrEqual(6);
      expect(await page.evaluate(() => scrollY)).toBe(0);
      await fitsThePhone(page, width);

      // The network map and the channel toolbar wait in the sheet, out of sight.
      await expect(page.getByRole('navigation', { name: 'Network map' })).toBeHidden();
      await expect(page.getByLabel('First channel')).toBeHidden();
      await page.getByRole('button', { name: 'Controls' }).click();
      const sheet = page.getByRole('dialog', { name: 'Controls' });
      await expect(sheet).toBeVisible();
      await expect(sheet.getByRole('navigation', { name: 'Network map' })).toBeVisible();
      await expect(sheet.getByLabel('First channel')).toBeVisible();
      await expect(sheet.getByRole('button', { name: 'Copy link to this view' })).toBeVisible();
      // The sheet works: a colour map chosen there repaints the grid behind it.
      await sheet.getByLabel('Colour map').selectOption('grey');
      await expect(page).toHaveURL(/cmap=grey/);
      await sheet.getByRole('button', { name: `Show layer features.1.0`, exact: true }).click();
      await expect(page.getByTestId('channel-grid')).toHaveAttribute('data-tap', 'features.1.0');
      await fitsThePhone(page, width);
      // Escape closes it and gives the focus back to the button that opened it.
      await page.keyboard.press('Escape');
      await expect(sheet).toBeHidden();
      await expect(page.getByRole('button', { name: 'Controls' })).toBeFocused();
      // The other panels follow the grid.
      const grid = await box(page.getByTestId('channel-grid'));
      const predictions = await box(page.locator('.rail--below'));
      expect(predictions.y).toBeGreaterThanOrEqual(grid.y + grid.height);
    });
  });
}

test.describe('phone 360×740 with the untrained network', () => {
  test.use({ viewport: { width: 360, height: 740 }, hasTouch: true, isMobile: true });

  test('the offer of a trained network stays short: still 6 uncovered tiles of 96 px on the first screen', async ({ page }) => {
    await page.goto(untrainedUrl('sample=coffee'));
    await waitForResult(page, 'coffee.png');
    await expect(page.getByRole('region', { name: 'Trained network' })).toBeVisible();
    expect(await uncoveredTiles(page, 96)).toBeGreaterThanOrEqual(6);
    await fitsThePhone(page, 360);
  });
});

test.describe('phone keyboard order', () => {
  test.use({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });

  test('Tab walks the page in reading order: photo strip, layer, Controls, views, tiles', async ({ page }) => {
    await page.goto('?sample=coffee');
    await waitForResult(page, 'coffee.png');
    await page.getByRole('button', { name: 'Espresso', exact: true }).focus();
    const names: string[] = [];
    for (let i = 0; i < 9; i++) {
      await page.keyboard.press('Tab');
      names.push(await page.evaluate(() => document.activeElement?.getAttribute('aria-label') ?? document.activeElement?.textContent?.trim() ?? ''));
    }
    expect(names).toEqual(['Cat', 'Rocket', 'Astronaut', 'Choose photo', 'Use camera', 'Layer', 'What this layer does', 'Controls', 'Channels']);
  });
});


test.describe('phone gestures', () => {
  test.use({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });

  test('a sideways swipe on the grid steps through the layers as the map arrow keys do, and names the layer', async ({ page }) => {
    await page.goto('?sample=coffee');
    await waitForResult(page, 'coffee.png');
    const layer = page.getByLabel('Layer', { exact: true });
    const taps = await layer.locator('option').evaluateAll((els) => els.map((e) => (e as HTMLOptionElement).value));
    const grid = await box(page.getByTestId('channel-grid'));
    const y = grid.y + 150;
    const swipe = (fromX: number, toX: number) => touchStroke(page, [{ from: { x: fromX, y }, to: { x: toX, y: y + 10 } }]);

    await swipe(330, 60);
    await expect(layer).toHaveValue(taps[1]!);
    await expect(page.getByTestId('channel-grid')).toHaveAttribute('data-tap', taps[1]!);
    await expect(page.getByTestId('swipe-layer')).toBeVisible();
    await expect(page.getByTestId('swipe-layer')).toContainText(`${taps[1]} · `);
    await expect(page.getByTestId('swipe-layer')).toContainText(`layer 2 of ${taps.length}`);
    await page.screenshot({ path: 'screenshots/phone-swipe.png' });
    await swipe(330, 60);
    await expect(layer).toHaveValue(taps[2]!);
    await swipe(60, 330);
    await expect(layer).toHaveValue(taps[1]!);
    await expect(page.getByTestId('swipe-layer')).toContainText(`layer 2 of ${taps.length}`);
    // A stroke mostly downwards is a scroll, not a swipe.
    await touchStroke(page, [{ from: { x: 300, y }, to: { x: 200, y: y - 200 } }]);
    await expect(page.getByTestId('channel-grid')).toHaveAttribute('data-tap', taps[1]!);
    // The name goes away by itself.
    await expect(page.getByTestId('swipe-layer')).toBeHidden();
    await fitsThePhone(page, 390);
  });

  test('a tile opens the channel detail full screen, and two fingers zoom its map', async ({ page }) => {
    await page.goto('?sample=coffee');
    await waitForResult(page, 'coffee.png');
    await page.getByRole('button', { name: 'features.0.0 channel 2', exact: true }).tap();
    const dialog = page.getByRole('dialog', { name: 'features.0.0 channel 2' });
    await expect(dialog).toBeVisible();
    const d = await box(dialog);
    expect(d).toMatchObject({ x: 0, y: 0, width: 390, height: 844 });
    const map = page.getByTestId('detail-channel');
    const before = await box(map);
    expect(before.width).toBeGreaterThan(300);
    const cx = before.x + before.width / 2;
    const cy = before.y + before.height / 2;
    await touchStroke(page, [
      { from: { x: cx - 30, y: cy }, to: { x: cx - 90, y: cy } },
      { from: { x: cx + 30, y: cy }, to: { x: cx + 90, y: cy } },
    ]);
    // The fingers went from 60 to 180 px apart: three times the size, within a pixel per move.
    await expect.poll(async () => Number(await map.getAttribute('data-zoom'))).toBeCloseTo(3, 1);
    const after = await box(map);
    expect(after.width / before.width).toBeCloseTo(3, 1);
    await page.screenshot({ path: 'screenshots/phone-detail-zoomed.png' });
    // The page itself did not zoom; closing the dialog undoes the zoom.
    expect(await page.evaluate(() => visualViewport?.scale)).toBe(1);
    await dialog.getByRole('button', { name: 'Close' }).tap();
    await expect(dialog).toBeHidden();
    await page.getByRole('button', { name: 'features.0.0 channel 2', exact: true }).tap();
    await expect(dialog).toBeVisible();
    expect(await map.getAttribute('data-zoom')).toBeNull();
    expect((await box(map)).width).toBeCloseTo(before.width, 0);
  });
});

test.describe('phone portrait views', () => {
  test.use({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });

  test('Filters: the first filter on the first screen, nothing sideways; the view\'s toolbar waits in the Controls sheet and works there', async ({ page }) => {
    await page.goto('?sample=coffee&layer=features.0.0&view=filters');
    await waitForModel(page);
    const view = page.getByRole('region', { name: 'Filters' });
    await expect(view).toHaveAttribute('data-kind', 'rgb');
    const first = view.getByRole('button', { name: /^features\.0\.0 filter \d+$/ }).first();
    await expect(first).toBeVisible();
    expect(fullyOnScreen(await box(first), 390, 844), 'the first filter is wholly on the first screen').toBe(true);
    expect(await page.evaluate(() => scrollY)).toBe(0);
    await fitsThePhone(page, 390);
    await expect(page.getByRole('button', { name: 'Download weights (.npy)' })).toBeHidden();
    await page.getByRole('button', { name: 'Controls' }).tap();
    const sheet = page.getByRole('dialog', { name: 'Controls' });
    await expect(sheet.getByRole('button', { name: 'Download weights (.npy)' })).toBeEnabled();
    // As on a wide screen: no colour map or normalisation for weights, which have their own scale.
    await expect(sheet.getByLabel('Colour map')).toBeHidden();
    await expect(sheet.getByLabel('First channel')).toBeVisible();
    // A slider in the sheet moves the filters behind it: 8 shown.
    await sheet.getByLabel('Channels shown').fill('8');
    await expect(view.getByRole('button', { name: /^features\.0\.0 filter \d+$/ })).toHaveCount(8);
    await fitsThePhone(page, 390);
    await page.screenshot({ path: 'screenshots/phone-filters-controls.png' });
    await page.keyboard.press('Escape');
    await expect(sheet).toBeHidden();
  });

  test('Examples: once the samples are through, the first channel\'s examples on the first screen, nothing sideways; its toolbar in the Controls sheet', async ({ page }) => {
    await page.goto('?view=examples');
    await waitForModel(page);
    await expect(page.getByRole('progressbar', { name: 'Finding examples' })).toHaveAttribute('aria-valuetext', '4 of 4 photos', { timeout: 240_000 });
    const first = page.getByTestId('example-grid').getByRole('button').first();
    await expect(first).toBeVisible();
    expect(fullyOnScreen(await box(first), 390, 844), 'the first tile of examples is wholly on the first screen').toBe(true);
    // The collection's own actions stay on the page.
    expect(fullyOnScreen(await box(page.locator('label.file-button', { hasText: 'Add photos' })), 390, 844)).toBe(true);
    await fitsThePhone(page, 390);
    await expect(page.getByRole('button', { name: 'Download examples (.csv)' })).toBeHidden();
    await page.getByRole('button', { name: 'Controls' }).tap();
    const sheet = page.getByRole('dialog', { name: 'Controls' });
    await expect(sheet.getByRole('button', { name: 'Download examples (.csv)' })).toBeEnabled();
    await sheet.getByLabel('Channels shown').fill('8');
    await expect(page.getByTestId('example-grid').getByRole('button')).toHaveCount(8);
    await fitsThePhone(page, 390);
    await page.screenshot({ path: 'screenshots/phone-examples-controls.png' });
  });

  test('presenter view: only the caption and the grid, two large tiles a row', async ({ page }) => {
    await page.goto('?sample=coffee');
    await waitForResult(page, 'coffee.png');
    await page.getByRole('button', { name: 'Presenter view' }).tap();
    await expect(page.locator('.app')).toHaveClass(/app--presenter/);
    await expect(page.getByTestId('presenter-caption')).toBeVisible();
    await expect(page.locator('.crop__canvas')).toBeHidden();
    await expect(page.getByRole('button', { name: 'Controls' })).toBeHidden();
    // Two columns of tiles at least 160 px wide, 6 or more wholly on the first screen.
    expect(await uncoveredTiles(page, 160)).toBeGreaterThanOrEqual(6);
    const xs = await page.locator('.channel-grid .tile').evaluateAll((ts) => [...new Set(ts.slice(0, 6).map((t) => Math.round(t.getBoundingClientRect().x)))]);
    expect(xs).toHaveLength(2);
    await fitsThePhone(page, 390);
    await page.screenshot({ path: 'screenshots/phone-presenter.png' });
  });

  test('journey: one column of stages, each with its photo, mean and strongest channels within the width', async ({ page }) => {
    await page.goto('?sample=coffee&view=journey');
    await expect(page.getByTestId('journey-row')).toHaveCount(5, { timeout: 120_000 });
    const rows = await page.getByTestId('journey-row').evaluateAll((rs) => rs.map((r) => r.getBoundingClientRect().toJSON() as DOMRect));
    for (let i = 1; i < rows.length; i++) {
      expect(rows[i]!.x).toBeCloseTo(rows[0]!.x, 0);
      expect(rows[i]!.y).toBeGreaterThanOrEqual(rows[i - 1]!.y + rows[i - 1]!.height);
    }
    for (const r of rows) expect(r.x + r.width).toBeLessThanOrEqual(390);
    // The images of a stage: three to a row, each at least 96 px.
    const first = page.getByTestId('journey-row').first();
    const images = await first.locator('canvas').evaluateAll((cs) => cs.map((c) => c.getBoundingClientRect().toJSON() as DOMRect));
    expect(images).toHaveLength(6);
    for (const b of images) expect(b.width).toBeGreaterThanOrEqual(96);
    expect(new Set(images.map((b) => Math.round(b.x))).size).toBe(3);
    await fitsThePhone(page, 390);
    await page.screenshot({ path: 'screenshots/phone-journey.png' });
  });
});
