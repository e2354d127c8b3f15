/**
 * The classroom-first page, measured: what is on the first screen at a projector's size,
 * a 1080p screen and a phone; the network map against the layer picker; presenter view;
 * the journey; themes; printing every tile.
 */
import { expect, test, type Page } from '@playwright/test';
import { expectedTile, longGridWithUnpaintedTail, noHorizontalScroll } from './teaching-helpers';
import { waitForResult } from './helpers';

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Boxes of every matching element, in page coordinates of the current viewport. */
async function boxes(page: Page, selector: string): Promise<Box[]> {
  return page.locator(selector).evaluateAll((els) =>
    els.map((e) => {
      const r = e.getBoundingClientRect();
      return { x: r.x, y: r.y, width: r.width, height: r.height };
    }),
  );
}

function fullyInViewport(b: Box, width: number, height: number): boolean {
  return b.width > 0 && b.x >= 0 && b.y >= 0 && b.x + b.width <= width + 0.5 && b.y + b.height <= height + 0.5;
}

async function tilesOnFirstScreen(page: Page, minWidth: number): Promise<number> {
  const { width, height } = page.viewportSize()!;
  const tiles = await boxes(page, '.channel-grid .tile');
  return tiles.filter((b) => b.width >= minWidth && fullyInViewport(b, width, height)).length;
}

async function openSample(page: Page, width: number, height: number, query = '?sample=coffee'): Promise<void> {
  await page.setViewportSize({ width, height });
  await page.goto(query);
  await waitForResult(page, 'coffee.png');
  if (width > 800) await expect(page.locator('.channel-grid .tile canvas').first()).toHaveJSProperty('width', 56);
}

test('1280×720: status, photo, layer picker and at least 16 tiles of 64 px or more on the first screen', async ({ page }) => {
  await openSample(page, 1280, 720);
  for (const what of ['p[role="status"]', '.crop__canvas', 'select[aria-label="Layer"]']) {
    const [b] = await boxes(page, what);
    expect(fullyInViewport(b!, 1280, 720), `${what} is on the first screen`).toBe(true);
  }
  expect(await tilesOnFirstScreen(page, 64)).toBeGreaterThanOrEqual(16);
  // The network map fits on the first screen too (it scrolls inside itself).
  const [map] = await boxes(page, 'nav[aria-label="Network map"]');
  expect(fullyInViewport(map!, 1280, 720)).toBe(true);
  expect(await page.evaluate(() => scrollY)).toBe(0);
  await noHorizontalScroll(page);
});

test('1920×1080: at least 40 tiles on the first screen', async ({ page }) => {
  await openSample(page, 1920, 1080);
  expect(await tilesOnFirstScreen(page, 64)).toBeGreaterThanOrEqual(40);
});

test('phone 390×844: the first row of tiles starts within 1.5 screens and nothing scrolls sideways', async ({ page }) => {
  await openSample(page, 390, 844);
  const [first] = await boxes(page, '.channel-grid .tile');
  expect(first!.y).toBeLessThan(1266);
  await noHorizontalScroll(page);
});

test('explanations open on demand over the grid and never push it down', async ({ page }) => {
  await openSample(page, 1280, 720);
  const [before] = await boxes(page, '.channel-grid');
  await expect(page.getByTestId('layer-explanation')).toBeHidden();
  await page.getByText('What this layer does').click();
  await expect(page.getByTestId('layer-explanation')).toBeVisible();
  await expect(page.getByTestId('layer-explanation')).toContainText('4×4 convolution with stride 4');
  const [after] = await boxes(page, '.channel-grid');
  expect(after!.y).toBe(before!.y);
});

test('the network map has one button per layer of the picker; clicking or arrowing selects it everywhere', async ({ page }) => {
  await openSample(page, 1280, 720);
  const options = await page.locator('select[aria-label="Layer"] option').evaluateAll((els) => els.map((e) => (e as HTMLOptionElement).value));
  const map = page.getByRole('navigation', { name: 'Network map' });
  const names = await map.getByRole('button').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')));
  expect(names).toEqual(options.map((o) => `Show layer ${o}`));
  // Every thumbnail is drawn once a result exists.
  expect(await map.locator('canvas').count()).toBe(options.length);

  for (const tap of [options[3]!, options[options.length - 1]!, options[0]!]) {
    await map.getByRole('button', { name: `Show layer ${tap}`, exact: true }).click();
    await expect(page.getByLabel('Layer', { exact: true })).toHaveValue(tap);
    await expect(page.getByTestId('channel-grid')).toHaveAttribute('data-tap', tap);
    await expect(page).toHaveURL(new RegExp(`layer=${tap.replaceAll('.', '\\.')}(&|$)`));
    await expect(map.locator('[aria-current="true"]')).toHaveAttribute('aria-label', `Show layer ${tap}`);
  }
  // Arrow keys walk along the map, and focus follows.
  await map.getByRole('button', { name: `Show layer ${options[0]}`, exact: true }).focus();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowRight');
  await expect(page.getByLabel('Layer', { exact: true })).toHaveValue(options[2]!);
  await expect(map.getByRole('button', { name: `Show layer ${options[2]}`, exact: true })).toBeFocused();
  await page.keyboard.press('ArrowUp');
  await expect(page.getByLabel('Layer', { exact: true })).toHaveValue(options[1]!);
  await page.keyboard.press('End');
  await expect(page.getByLabel('Layer', { exact: true })).toHaveValue(options[options.length - 1]!);
});

test('presenter view at 1280×720: at least 6 tiles of 200 px, one caption line, no paragraphs, dark', async ({ page }) => {
  await openSample(page, 1280, 720);
  await page.getByRole('button', { name: 'Presenter view' }).click();
  await expect(page.locator('.app')).toHaveClass(/app--presenter/);
  await expect.poll(() => page.locator('.channel-grid .tile').first().evaluate((e) => e.getBoundingClientRect().width)).toBeGreaterThanOrEqual(200);
  expect(await tilesOnFirstScreen(page, 200)).toBeGreaterThanOrEqual(6);
  const caption = page.getByTestId('presenter-caption');
  await expect(caption).toContainText('features.0.0 · 40×56×56 · channels 0-39 of 40 · coffee.png');
  expect((await boxes(page, '[data-testid=presenter-caption]'))[0]!.height).toBeLessThan(60);
  const visibleParagraphs = await page.evaluate(() =>
    [...document.querySelectorAll('p')].filter((p) => {
      const r = p.getBoundingClientRect();
      return r.width > 0 && r.height > 0 && r.bottom > 0 && r.top < innerHeight && p.textContent!.trim() !== '';
    }).length,
  );
  expect(visibleParagraphs).toBe(0);
  expect(await page.locator('.app').evaluate((e) => getComputedStyle(e).backgroundColor)).toBe('rgb(0, 0, 0)');
  await page.screenshot({ path: 'screenshots/layout-presenter.png' });
  await page.getByRole('button', { name: 'Presenter view' }).click();
  await expect(page.locator('.app')).not.toHaveClass(/app--presenter/);
});

for (const [width, height, rows] of [[1920, 1080, 5], [1280, 720, 3]] as const) {
  test(`journey at ${width}×${height}: no channel controls above it, ${rows}+ stage rows fully visible, each named by its stage`, async ({ page }) => {
    await openSample(page, width, height);
    await page.getByRole('button', { name: 'Journey' }).click();
    await expect(page.getByTestId('journey-row')).toHaveCount(5);
    await expect(page.getByLabel('First channel')).toHaveCount(0);
    await expect(page.getByLabel('Colour map')).toHaveCount(0);
    for (const name of ['Stem', 'Stage 1', 'Stage 2', 'Stage 3', 'Stage 4']) await expect(page.getByRole('region', { name, exact: true })).toHaveCount(1);
    const rowBoxes = await boxes(page, '[data-testid=journey-row]');
    expect(rowBoxes.filter((b) => fullyInViewport(b, width, height)).length).toBeGreaterThanOrEqual(rows);
  });
}

test('the theme is chosen, applied and remembered across a reload', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'light' });
  await openSample(page, 1280, 720);
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
  await page.getByLabel('Theme').selectOption('dark');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  const bg = await page.locator('body').evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
  expect(bg).toBe('rgb(14, 16, 20)');
  await page.reload();
  await expect(page.getByLabel('Theme')).toHaveValue('dark');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  // Following the system follows it.
  await page.getByLabel('Theme').selectOption('system');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
  await page.emulateMedia({ colorScheme: 'dark' });
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
});

test('printing paints every tile, also those that never scrolled into view, exactly', async ({ page }) => {
  await openSample(page, 1280, 720);
  const { tensor: t, last } = await longGridWithUnpaintedTail(page, 'features.1.0.block.4');
  await page.emulateMedia({ media: 'print' });
  await expect(last).toHaveJSProperty('width', 56);
  const pixels = await last.evaluate((c: HTMLCanvasElement) => Array.from(c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data));
  expect(pixels).toEqual(expectedTile(t, 159, 'channel', 'viridis'));
  expect(await page.evaluate(() => scrollY)).toBe(0);
});
