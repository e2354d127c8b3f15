/**
 * Examples view: *Add camera frame* keeps the current frame of a running camera as a photo
 * (Chromium's own fake camera; e2e/camera.spec.ts tests the camera itself).
 */
import { expect, test } from '@playwright/test';
import { BASE_ARGS, CHROMIUM_PATH } from './chromium';
import { waitForModel } from './helpers';

test.use({
  launchOptions: { executablePath: CHROMIUM_PATH, args: [...BASE_ARGS, '--disable-gpu', '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream'] },
});

test('Add camera frame keeps the current frame as a photo, which then gets its examples', async ({ page }) => {
  await page.goto('./');
  await waitForModel(page);
  await page.getByRole('button', { name: 'Examples', exact: true }).click();
  const progress = page.getByRole('progressbar', { name: 'Finding examples' });
  await expect(progress).toHaveAttribute('aria-valuetext', '4 of 4 photos', { timeout: 120_000 });
  // The button is there only while the camera runs.
  await expect(page.getByRole('button', { name: 'Add camera frame' })).toHaveCount(0);
  await page.getByRole('button', { name: 'Use camera' }).click();
  await expect(page.locator('p[role="status"]')).toContainText('camera ·', { timeout: 60_000 });
  // A frame exists once the first one has been shown in the grid's place.
  await expect(page.getByRole('button', { name: 'Add camera frame' })).toBeVisible();
  await expect.poll(async () => {
    await page.getByRole('button', { name: 'Add camera frame' }).click();
    return page.getByTestId('examples-count').textContent();
  }, { timeout: 60_000 }).toMatch(/^[5-9] photos|^\d\d photos/);
  // A click of the poll may add its frame after the count was read: every photo there, however many, gets its examples.
  await expect.poll(async () => {
    const count = Number((await page.getByTestId('examples-count').textContent())!.match(/^\d+/)![0]);
    return count >= 5 && (await progress.getAttribute('aria-valuetext')) === `${count} of ${count} photos`;
  }, { timeout: 120_000 }).toBe(true);
  await expect(page.getByTestId('examples-skipped')).toHaveCount(0);
});
