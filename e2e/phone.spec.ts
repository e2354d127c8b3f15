/**
 * A phone in class, in Chromium's touch emulation (isMobile, hasTouch) at 390×844 and 360×740:
 * the grid on the first screen, the Controls sheet, swiping through the layers, the channel
 * detail full screen with pinch-zoom, and the back camera asked for.
 */
import { expect, test, type Locator, type Page } from '@playwright/test';
import { noHorizontalScroll } from './teaching-helpers';
import { waitForResult } from './helpers';

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

const box = (l: Locator): Promise<Box> => l.evaluate((e) => e.getBoundingClientRect().toJSON() as Box);

function fullyOnScreen(b: Box, width: number, height: number): boolean {
  return b.width > 0 && b.height > 0 && b.x >= 0 && b.y >= 0 && b.x + b.width <= width + 0.5 && b.y + b.height <= height + 0.5;
}

/** Tiles of at least `min` px wholly on the first screen whose centre and inner corners are the tile itself (nothing covers them). */
async function uncoveredTiles(page: Page, min: number): Promise<number> {
  return page.locator('.channel-grid .tile').evaluateAll(
    (tiles, min) =>
      tiles.filter((t) => {
        const canvas = t.querySelector('canvas')!.getBoundingClientRect();
        const r = t.getBoundingClientRect();
        if (canvas.width < min || canvas.height < min || r.left < 0 || r.top < 0 || r.right > innerWidth || r.bottom > innerHeight) return false;
        const points = [
          [canvas.left + canvas.width / 2, canvas.top + canvas.height / 2],
          [canvas.left + 2, canvas.top + 2],
          [canvas.right - 2, canvas.top + 2],
          [canvas.left + 2, canvas.bottom - 2],
          [canvas.right - 2, canvas.bottom - 2],
        ];
        return points.every(([x, y]) => t.contains(document.elementFromPoint(x!, y!)));
      }).length,
    min,
  );
}

/** The page is laid out at the phone's own width: nothing wider made the browser zoom out, nothing scrolls sideways. */
async function fitsThePhone(page: Page, width: number): Promise<void> {
  expect(await page.evaluate(() => document.documentElement.clientWidth)).toBe(width);
  await noHorizontalScroll(page);
}

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
