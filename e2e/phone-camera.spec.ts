/**
 * The camera on a phone: the back camera is asked for (facingMode) on a touch device and not
 * mirrored, every camera is still listed; a laptop asks for the browser's default and mirrors.
 * Chromium's two fake cameras, allowed without a prompt; the constraints are recorded by
 * wrapping getUserMedia in an init script.
 */
import { expect, test, type Page } from '@playwright/test';
import { BASE_ARGS, CHROMIUM_PATH } from './chromium';
import { waitForModel } from './helpers';
import { fitsThePhone, uncoveredTiles } from './phone-helpers';

test.use({
  launchOptions: { executablePath: CHROMIUM_PATH, args: [...BASE_ARGS, '--disable-gpu', '--use-fake-device-for-media-stream=device-count=2', '--use-fake-ui-for-media-stream'] },
  permissions: ['camera'],
});

/** Records every getUserMedia call's constraints in window.__askedFor, then asks the real one. */
const RECORD_CONSTRAINTS = () => {
  const real = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
  const asked: MediaStreamConstraints[] = [];
  (window as unknown as { __askedFor: MediaStreamConstraints[] }).__askedFor = asked;
  navigator.mediaDevices.getUserMedia = (constraints?: MediaStreamConstraints) => {
    asked.push(JSON.parse(JSON.stringify(constraints ?? {})) as MediaStreamConstraints);
    return real(constraints);
  };
};
const askedFor = (page: Page) => page.evaluate(() => (window as unknown as { __askedFor: MediaStreamConstraints[] }).__askedFor);

test.describe('the camera on a touch device', () => {
  test.use({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });

  test('asks for the back camera, does not mirror it, and still lists every camera', async ({ page }) => {
    await page.addInitScript(RECORD_CONSTRAINTS);
    await page.goto('./?debug');
    await waitForModel(page);
    await page.getByRole('button', { name: 'Use camera' }).click();
    await expect(page.getByTestId('channel-grid')).toHaveAttribute('data-photo', 'camera');
    const [first] = await askedFor(page);
    expect((first!.video as MediaTrackConstraints).facingMode).toEqual({ ideal: 'environment' });
    await expect(page.getByRole('checkbox', { name: 'Mirror' })).not.toBeChecked();
    await expect(page.getByTestId('camera-video')).not.toHaveClass(/camera__video--mirror/);
    await expect(page.getByRole('combobox', { name: 'Camera', exact: true }).locator('option')).toHaveText(['fake_device_0', 'fake_device_1']);
    await page.screenshot({ path: 'screenshots/phone-camera.png' });
    await fitsThePhone(page, 390);
    // The live camera keeps the grid on the first screen.
    expect(await uncoveredTiles(page, 96)).toBeGreaterThanOrEqual(6);
    // A camera chosen by hand is asked for by its id, not by the way it faces.
    await page.getByRole('combobox', { name: 'Camera', exact: true }).selectOption({ label: 'fake_device_1' });
    await expect.poll(async () => (await askedFor(page)).length).toBe(2);
    const second = (await askedFor(page))[1]!.video as MediaTrackConstraints;
    expect(second.facingMode).toBeUndefined();
    expect(second.deviceId).toHaveProperty('exact');
    await page.getByRole('button', { name: 'Stop camera' }).click();
  });
});

test.describe('the camera on a laptop', () => {
  test('asks for no facing (the browser default) and mirrors it', async ({ page }) => {
    await page.addInitScript(RECORD_CONSTRAINTS);
    await page.goto('./?debug');
    await waitForModel(page);
    await page.getByRole('button', { name: 'Use camera' }).click();
    await expect(page.getByTestId('channel-grid')).toHaveAttribute('data-photo', 'camera');
    const [first] = await askedFor(page);
    expect((first!.video as MediaTrackConstraints).facingMode).toBeUndefined();
    await expect(page.getByRole('checkbox', { name: 'Mirror' })).toBeChecked();
    await page.getByRole('button', { name: 'Stop camera' }).click();
  });
});
