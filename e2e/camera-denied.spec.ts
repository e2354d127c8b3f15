/**
 * The camera blocked: a browser with a fake camera but without
 * --use-fake-ui-for-media-stream (which would answer yes to any prompt), and the camera
 * permission not granted, so getUserMedia rejects with NotAllowedError as after "Block".
 */
import { expect, test } from '@playwright/test';
import { BASE_ARGS, CHROMIUM_PATH } from './chromium';
import { waitForModel, waitForResult } from './helpers';

test.use({ launchOptions: { executablePath: CHROMIUM_PATH, args: [...BASE_ARGS, '--disable-gpu', '--use-fake-device-for-media-stream'] }, permissions: [] });

test('a blocked camera says how to allow it, and the photo stays', async ({ page }) => {
  await page.goto('./?debug');
  await waitForModel(page);
  await page.getByRole('button', { name: 'Cat' }).click();
  await waitForResult(page, 'chelsea.png');
  await page.getByRole('button', { name: 'Use camera' }).click();
  await expect(page.getByRole('alert')).toContainText('address bar');
  await expect(page.getByRole('alert')).toContainText('set Camera to Allow');
  await expect(page.getByRole('button', { name: 'Use camera' })).toBeVisible();
  await expect(page.getByTestId('channel-grid')).toHaveAttribute('data-photo', 'chelsea.png');
  expect(await page.getByTestId('camera-video').evaluate((v: HTMLVideoElement) => v.srcObject)).toBeNull();
});
