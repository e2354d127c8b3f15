/**
 * Two cameras (Chromium's fake device, device-count=2, its own test pattern): the *Camera*
 * menu appears, switching restarts the stream on the chosen one, and the choice is
 * remembered for the next visit.
 */
import { expect, test, type Page } from '@playwright/test';
import { BASE_ARGS, CHROMIUM_PATH } from './chromium';
import { waitForModel } from './helpers';

test.use({
  launchOptions: { executablePath: CHROMIUM_PATH, args: [...BASE_ARGS, '--disable-gpu', '--use-fake-device-for-media-stream=device-count=2', '--use-fake-ui-for-media-stream'] },
  permissions: ['camera'],
});

const trackDevice = (page: Page) => page.getByTestId('camera-video').evaluate((v: HTMLVideoElement) => (v.srcObject as MediaStream | null)?.getVideoTracks()[0]?.getSettings().deviceId ?? null);

test('the Camera menu switches cameras and remembers the choice', async ({ page }) => {
  await page.goto('./?debug');
  await waitForModel(page);
  await page.getByRole('button', { name: 'Use camera' }).click();
  await expect(page.getByTestId('channel-grid')).toHaveAttribute('data-photo', 'camera');
  const menu = page.getByRole('combobox', { name: 'Camera', exact: true });
  await expect(menu.locator('option')).toHaveText(['fake_device_0', 'fake_device_1']);
  const first = await trackDevice(page);
  await expect(menu).toHaveValue(first!);

  const second = await menu.locator('option', { hasText: 'fake_device_1' }).getAttribute('value');
  await menu.selectOption({ label: 'fake_device_1' });
  await expect.poll(() => trackDevice(page)).toBe(second);
  await expect(page.locator('p[role="status"]')).toContainText('camera ·');
  expect(await page.evaluate(() => localStorage.getItem('convlens.camera'))).toBe(second);

  await page.getByRole('button', { name: 'Stop camera' }).click();
  await page.reload();
  await waitForModel(page);
  await page.getByRole('button', { name: 'Use camera' }).click();
  await expect.poll(() => trackDevice(page)).toBe(second);
  await expect(menu).toHaveValue(second!);
});
