/**
 * A new build replaces the cache cleanly: the new service worker installs beside the old
 * one, waits until the page's "Update now", then its activation drops every precached
 * entry the new build no longer lists (old revisions included).
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { ROOT } from './helpers';
import { serveStatic } from './staticServer';

// These specs test the offline service worker itself (the config blocks it elsewhere).
test.use({ serviceWorkers: 'allow' });

const DIST = resolve(ROOT, 'dist');
const PORT = Number(process.env.E2E_STATIC_PORT ?? 4178) + 1;

// A missing build is a failure, never a silent skip: these specs are the only check of the service worker.
test.beforeAll(() => {
  if (!existsSync(resolve(DIST, 'sw.js'))) throw new Error('dist/sw.js is missing: these specs need the production build (`npx vite build`) with its service worker');
});

/** Every cached URL (path + query), by cache name. */
async function cachedUrls(page: Page): Promise<Record<string, string[]>> {
  return page.evaluate(async () => {
    const out: Record<string, string[]> = {};
    for (const name of await caches.keys()) {
      const keys = await (await caches.open(name)).keys();
      out[name] = keys.map((r) => new URL(r.url).pathname + new URL(r.url).search).sort();
    }
    return out;
  });
}

function precacheEntries(all: Record<string, string[]>): string[] {
  const names = Object.keys(all).filter((n) => n.includes('precache'));
  expect(names).toHaveLength(1);
  return all[names[0]!]!;
}

test('a new build activates on "Update now" and its precache replaces the old entries', async ({ page }) => {
  const site = mkdtempSync(join(tmpdir(), 'convlens-site-'));
  cpSync(DIST, site, { recursive: true });
  const server = await serveStatic(site, PORT);
  try {
    await page.goto(server.url);
    // The first load is not isolated: the worker installs, claims the page and reloads it once
    // (it may say "ready" just before). Read the caches from the reloaded, isolated page.
    await page.waitForFunction(() => self.crossOriginIsolated, undefined, { timeout: 180_000 });
    await expect(page.getByTestId('offline-status')).toHaveAttribute('data-phase', 'ready', { timeout: 180_000 });
    const before = precacheEntries(await cachedUrls(page));
    const oldIndex = before.find((u) => u.startsWith('/convlens/index.html?__WB_REVISION__='));
    expect(oldIndex).toBeDefined();
    expect(before.some((u) => u.startsWith('/convlens/samples/astronaut.png?__WB_REVISION__='))).toBe(true);

    // "Deploy" build B: a changed page (new revision) and one file dropped from the build.
    const swPath = join(site, 'sw.js');
    let sw = readFileSync(swPath, 'utf8');
    const oldRevision = oldIndex!.split('=')[1]!;
    sw = sw.replace(`{"revision":"${oldRevision}","url":"index.html"}`, '{"revision":"b0000000000000000000000000000000","url":"index.html"}');
    const astronaut = /\{"revision":"[0-9a-f]+","url":"samples\/astronaut\.png"\},?/;
    expect(sw).toMatch(astronaut);
    sw = sw.replace(astronaut, '');
    expect(sw).toContain('b0000000000000000000000000000000');
    writeFileSync(swPath, sw);
    const indexPath = join(site, 'index.html');
    writeFileSync(indexPath, readFileSync(indexPath, 'utf8').replace('<head>', '<head>\n    <meta name="convlens-build" content="B" />'));

    // The open page finds the update on its next load, and keeps running build A meanwhile.
    await page.reload();
    await expect(page.getByTestId('offline-status')).toHaveAttribute('data-phase', 'update-ready', { timeout: 60_000 });
    await expect(page.locator('meta[name="convlens-build"]')).toHaveCount(0);
    await page.screenshot({ path: 'screenshots/deploy-update-ready.png' });

    await page.getByRole('button', { name: 'Update now' }).click();
    await expect(page.locator('meta[name="convlens-build"]')).toHaveCount(1, { timeout: 60_000 });
    await expect(page.getByTestId('offline-status')).toHaveAttribute('data-phase', 'ready', { timeout: 60_000 });
    const after = precacheEntries(await cachedUrls(page));
    expect(after).toContain('/convlens/index.html?__WB_REVISION__=b0000000000000000000000000000000');
    expect(after).not.toContain(oldIndex);
    expect(after.filter((u) => u.includes('astronaut'))).toEqual([]);
    // Everything else is still there (unchanged entries are kept, not downloaded again).
    expect(after.length).toBe(before.length - 1);
  } finally {
    await server.close();
    rmSync(site, { recursive: true, force: true });
  }
});
