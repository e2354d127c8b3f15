/**
 * Share to a phone: *Show QR code* beside *Copy link to this view* draws the exact link of the
 * current view as a large QR code in the page (no request leaves it), and a decoder reads the
 * very same link back, on a projector-sized screen and from a phone's Controls sheet.
 */
import { expect, test, type Page } from '@playwright/test';
import jsQR from 'jsqr';
import { waitForResult } from './helpers';

async function decodeQr(page: Page): Promise<string | null> {
  const { width, height, data } = await page.getByTestId('qr-code').evaluate((c: HTMLCanvasElement) => ({
    width: c.width,
    height: c.height,
    data: Array.from(c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data),
  }));
  return jsQR(Uint8ClampedArray.from(data), width, height)?.data ?? null;
}

test('1280×720: the QR code decodes to the exact link of this view, is large, and asks nothing of the network', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.goto('?sample=coffee');
  await waitForResult(page, 'coffee.png');
  await page.getByLabel('Layer', { exact: true }).selectOption('features.3.0.block.0');
  await page.getByLabel('Colour map').selectOption('magma');
  await expect(page).toHaveURL(/cmap=magma/);
  const requests: string[] = [];
  page.on('request', (r) => requests.push(r.url()));

  await page.getByRole('button', { name: 'Show QR code' }).click();
  const dialog = page.getByRole('dialog', { name: 'Scan to open this view' });
  await expect(dialog).toBeVisible();
  await expect(page.getByTestId('qr-link')).toHaveText(page.url());
  await expect.poll(() => decodeQr(page)).toBe(page.url());
  expect(page.url()).toContain('layer=features.3.0.block.0');
  const side = await page.getByTestId('qr-code').evaluate((c) => c.getBoundingClientRect().width);
  expect(side).toBeGreaterThanOrEqual(400);
  expect(requests).toEqual([]);
  await page.screenshot({ path: 'screenshots/share-qr-1280.png' });
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(page.getByRole('button', { name: 'Show QR code' })).toBeFocused();
});

test.describe('phone', () => {
  test.use({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });

  test('from the Controls sheet the QR code fits the screen and decodes to the view link', async ({ page }) => {
    await page.goto('?sample=chelsea&layer=features.1.0');
    await waitForResult(page, 'chelsea.png');
    await page.getByRole('button', { name: 'Controls' }).click();
    await page.getByRole('dialog', { name: 'Controls' }).getByRole('button', { name: 'Show QR code' }).click();
    await expect(page.getByRole('dialog', { name: 'Scan to open this view' })).toBeVisible();
    await expect.poll(() => decodeQr(page)).toBe(page.url());
    const b = await page.getByTestId('qr-code').evaluate((c) => c.getBoundingClientRect().toJSON() as DOMRect);
    expect(b.x).toBeGreaterThanOrEqual(0);
    expect(b.x + b.width).toBeLessThanOrEqual(390);
    expect(b.width).toBeGreaterThanOrEqual(300);
    await page.screenshot({ path: 'screenshots/share-qr-phone.png' });
  });
});
