/**
 * The built site as a teacher deploys it: dist/ served from a sub-path (/convlens/) by a
 * plain static server that sends no COOP/COEP headers, like GitHub Pages. The service
 * worker must make the page cross-origin isolated (WASM threads) and keep it working
 * with the network cut.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { ROOT, dropFiles, photoFile, samplePath, waitForResult } from './helpers';
import { serveStatic, type StaticServer } from './staticServer';

// These specs test the offline service worker itself (the config blocks it elsewhere).
test.use({ serviceWorkers: 'allow' });

const DIST = resolve(ROOT, 'dist');
const PORT_A = Number(process.env.E2E_STATIC_PORT ?? 4178);
const PORT_B = PORT_A + 1;

// A missing build is a failure, never a silent skip: these specs are the only check of the service worker.
test.beforeAll(() => {
  if (!existsSync(resolve(DIST, 'sw.js'))) throw new Error('dist/sw.js is missing: these specs need the production build (`npx vite build`) with its service worker');
});

/** The backend label once the model is ready, e.g. "wasm · 2 threads". */
async function readyBackend(page: Page): Promise<string> {
  await expect(page.locator('p[role="status"]')).toHaveAttribute('data-status', 'ready', { timeout: 120_000 });
  return (await page.getByTestId('backend').textContent()) ?? '';
}

function threadsOf(label: string): number {
  const m = label.match(/wasm · (\d+) threads?/);
  if (!m) throw new Error(`not a WASM backend label: "${label}"`);
  return Number(m[1]);
}

test.describe('deployed under /convlens/ on a host without COOP/COEP headers', () => {
  let server: StaticServer;
  test.beforeAll(async () => {
    server = await serveStatic(DIST, PORT_A);
  });
  test.afterAll(async () => {
    await server.close();
  });

  test('the server really sends no isolation headers', async () => {
    const response = await fetch(server.url);
    expect(response.status).toBe(200);
    expect(response.headers.get('cross-origin-opener-policy')).toBeNull();
    expect(response.headers.get('cross-origin-embedder-policy')).toBeNull();
  });

  test('the service worker makes the page cross-origin isolated and WASM runs with threads; every file is local', async ({ page }) => {
    const documents: string[] = [];
    const hosts = new Set<string>();
    // Document loads only: the URL state's history.replaceState is a navigation too.
    page.on('domcontentloaded', () => documents.push(page.url()));
    page.on('request', (r) => hosts.add(new URL(r.url()).host));
    await page.goto(`${server.url}?backend=wasm`);
    // First load: not isolated; the worker installs, claims the page and reloads it once.
    await expect(page.getByTestId('backend')).toHaveText(/wasm · ([2-9]|\d\d+) threads/, { timeout: 180_000 });
    expect(await page.evaluate(() => self.crossOriginIsolated)).toBe(true);
    expect(await page.evaluate(() => navigator.serviceWorker.controller?.scriptURL)).toBe(`${server.url}sw.js`);
    expect(documents.length).toBe(2);
    await expect(page.getByTestId('threads-off')).toHaveCount(0);
    await expect(page.getByTestId('offline-status')).toHaveAttribute('data-phase', 'ready');
    // Everything came from this server under /convlens/: no CDN, no other path.
    expect([...hosts]).toEqual([`127.0.0.1:${PORT_A}`]);
    expect(server.requests.filter((p) => !p.startsWith('/convlens/'))).toEqual([]);

    await dropFiles(page, [photoFile(samplePath('coffee.png'))]);
    await waitForResult(page, 'coffee.png');
    expect(threadsOf(await readyBackend(page))).toBeGreaterThan(1);
    await page.screenshot({ path: 'screenshots/deploy-subpath-isolated.png' });
  });

  test('without service workers (as in a private window) the page says threads are off and why', async ({ page }) => {
    // What browsers that block service workers do: navigator.serviceWorker is undefined.
    await page.addInitScript(() => Object.defineProperty(Navigator.prototype, 'serviceWorker', { get: () => undefined }));
    await page.goto(`${server.url}?backend=wasm`);
    expect(threadsOf(await readyBackend(page))).toBe(1);
    expect(await page.evaluate(() => self.crossOriginIsolated)).toBe(false);
    await expect(page.getByTestId('threads-off')).toContainText('Threads are off');
    await expect(page.getByTestId('threads-off')).toContainText('no COOP/COEP headers and this browser offers no service worker');
    await page.screenshot({ path: 'screenshots/deploy-threads-off.png' });
  });
});

test('offline after the first visit: with the network cut and the server gone, reload, drop a photo, see the grid', async ({ page, context }) => {
  const server = await serveStatic(DIST, PORT_B);
  try {
    await page.goto(server.url);
    await expect(page.getByTestId('offline-status')).toHaveAttribute('data-phase', 'ready', { timeout: 180_000 });
    await expect(page.getByTestId('backend')).toHaveText(/wasm · ([2-9]|\d\d+) threads/, { timeout: 120_000 });
  } finally {
    // Both: Playwright's offline mode, and no server at all, so nothing can come from the network.
    await server.close();
  }
  await context.setOffline(true);
  // Everything the page gets from now on must come from the service worker's cache, and nothing may fail.
  const answered: { url: string; fromWorker: boolean }[] = [];
  const failed: string[] = [];
  page.on('response', (r) => answered.push({ url: r.url(), fromWorker: r.fromServiceWorker() }));
  page.on('requestfailed', (r) => failed.push(`${r.url()}: ${r.failure()?.errorText}`));
  await page.reload();
  expect(threadsOf(await readyBackend(page))).toBeGreaterThan(1);
  await expect(page.getByTestId('offline-status')).toHaveAttribute('data-phase', 'ready');

  await dropFiles(page, [photoFile(samplePath('rocket.jpg'))]);
  await waitForResult(page, 'rocket.jpg');
  await expect(page.locator('[aria-label="features.0.0 channel 0"]')).toBeVisible();
  await expect(page.getByRole('img', { name: /224×224 crop the model saw of rocket\.jpg/ })).toBeVisible();
  // A bundled sample works offline too.
  await page.getByRole('button', { name: 'Cat', exact: true }).click();
  await waitForResult(page, 'chelsea.png');
  // So does the trained network the page offers (precached with the default).
  await page.getByLabel('Model', { exact: true }).selectOption('convnext-atto-shapes');
  await expect(page.locator('p[role="status"]')).toContainText('drawn shapes', { timeout: 120_000 });
  // the cat ran again through it: its top class is a shape name
  await expect(page.locator('.predictions__label').first()).toHaveText(/^(circle|square|triangle|star|cross|ring|hexagon|crescent)$/, { timeout: 120_000 });
  await expect(page.getByTestId('model-limitation')).toContainText('only knows 8 drawn shapes');
  const fromServer = answered.filter((a) => a.url.startsWith(server.url) && !a.fromWorker);
  expect(fromServer).toEqual([]);
  expect(answered.filter((a) => a.url.startsWith(server.url)).length).toBeGreaterThan(0);
  expect(failed).toEqual([]);
  await page.screenshot({ path: 'screenshots/deploy-offline.png' });
});
