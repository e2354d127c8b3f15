/**
 * Installable, as a browser judges it: index.html links a web app manifest whose fields an
 * install needs are there (names, standalone, relative start URL, theme colours, icons of
 * 192, 512 and a maskable one), every icon is served as a PNG of the size it claims, Chromium
 * itself reports no installability error, and the service worker precaches all of it.
 */
import { expect, test } from '@playwright/test';
import { waitForModel } from './helpers';

interface WebManifest {
  name: string;
  short_name: string;
  start_url: string;
  scope: string;
  display: string;
  theme_color: string;
  background_color: string;
  icons: { src: string; sizes: string; type: string; purpose?: string }[];
}

/** Width and height from a PNG's IHDR chunk (bytes 16-23, big-endian), after checking the signature. */
function pngSize(bytes: Buffer): { width: number; height: number } {
  expect(bytes.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
  expect(bytes.subarray(12, 16).toString('ascii')).toBe('IHDR');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

test('the manifest is linked, complete and relative; each icon is served at its size; Chromium finds it installable', async ({ page, request }) => {
  await page.goto('./');
  await waitForModel(page);
  const href = await page.locator('link[rel="manifest"]').getAttribute('href');
  expect(href).toBe('./manifest.webmanifest');
  const manifestUrl = new URL(href!, page.url()).href;
  const response = await request.get(manifestUrl);
  expect(response.status()).toBe(200);
  const manifest = (await response.json()) as WebManifest;
  expect(manifest).toMatchObject({ name: expect.stringContaining('ConvLens'), short_name: 'ConvLens', display: 'standalone' });
  // Relative, so the site works from any sub-path: it resolves to the folder the page is in.
  expect(manifest.start_url).not.toMatch(/^\/|^https?:/);
  expect(new URL(manifest.start_url, manifestUrl).href).toBe(new URL('./', page.url()).href);
  expect(manifest.theme_color).toMatch(/^#[0-9a-f]{6}$/i);
  expect(manifest.background_color).toMatch(/^#[0-9a-f]{6}$/i);
  // The browser's bar colour for both themes.
  const themeColours = await page.locator('meta[name="theme-color"]').evaluateAll((els) => els.map((e) => [e.getAttribute('media'), e.getAttribute('content')]));
  expect(themeColours.map(([media]) => media)).toEqual(['(prefers-color-scheme: light)', '(prefers-color-scheme: dark)']);
  for (const [, colour] of themeColours) expect(colour).toMatch(/^#[0-9a-f]{6}$/i);

  const sizes = manifest.icons.map((i) => `${i.sizes} ${i.purpose ?? 'any'}`);
  expect(sizes).toEqual(expect.arrayContaining(['192x192 any', '512x512 any', '512x512 maskable']));
  for (const icon of manifest.icons) {
    expect(icon.src, 'icons are relative too').not.toMatch(/^\/|^https?:/);
    const res = await request.get(new URL(icon.src, manifestUrl).href);
    expect(res.status(), icon.src).toBe(200);
    expect(res.headers()['content-type']).toBe('image/png');
    const { width, height } = pngSize(await res.body());
    expect(`${width}x${height}`, icon.src).toBe(icon.sizes);
  }

  // Chromium's own verdict (what its install prompt and Lighthouse's installability audit use).
  const cdp = await page.context().newCDPSession(page);
  const parsed = (await cdp.send('Page.getAppManifest')) as { url: string; errors: unknown[] };
  expect(parsed.url).toBe(manifestUrl);
  expect(parsed.errors).toEqual([]);
  const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
  // A test's browser context is an incognito one, where Chromium installs nothing: that is the only objection allowed.
  expect(installabilityErrors.filter((e) => e.errorId !== 'in-incognito')).toEqual([]);

  // Precached by the service worker, so the installed app starts with no network.
  const sw = await (await request.get(new URL('sw.js', page.url()).href)).text();
  for (const file of ['manifest.webmanifest', ...manifest.icons.map((i) => i.src)]) expect(sw, file).toContain(`"${file}"`);
});
