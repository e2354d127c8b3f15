#!/usr/bin/env node
// Takes the README's pictures from the real production build, in Debian's Chromium:
// `npm run screenshots` (builds first). Writes docs/img/*.png; with --out DIR, writes there
// instead (for looking at a change without touching the committed pictures).
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import net from 'node:net';
import { resolve } from 'node:path';
import { chromium } from '@playwright/test';

const root = resolve(import.meta.dirname, '..');
const outArg = process.argv.indexOf('--out');
const out = resolve(root, outArg > 0 ? process.argv[outArg + 1] : 'docs/img');
// --dist DIR: build into and serve DIR instead of dist/ (several people on one machine).
const distArg = process.argv.indexOf('--dist');
const dist = distArg > 0 ? ['--outDir', resolve(process.argv[distArg + 1])] : [];
const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1].split(',') : null;
mkdirSync(out, { recursive: true });

if (!process.argv.includes('--no-build')) {
  const b = spawnSync('npx', ['vite', 'build', '--logLevel', 'warn', ...dist, ...(dist.length ? ['--emptyOutDir'] : [])], { cwd: root, stdio: 'inherit' });
  if (b.status !== 0) process.exit(b.status ?? 1);
}

const port = await new Promise((res) => {
  const s = net.createServer();
  s.listen(0, '127.0.0.1', () => {
    const p = s.address().port;
    s.close(() => res(p));
  });
});
const server = spawn('npx', ['vite', 'preview', '--port', String(port), '--strictPort', '--host', '127.0.0.1', ...dist], { cwd: root, stdio: 'ignore', detached: true });
const stop = () => {
  try {
    process.kill(-server.pid, 'SIGKILL');
  } catch {
    /* already gone */
  }
};
const base = `http://127.0.0.1:${port}/`;
for (let i = 0; i < 100; i++) {
  try {
    if ((await fetch(base)).ok) break;
  } catch {
    /* not up yet */
  }
  await new Promise((r) => setTimeout(r, 200));
}

/** Each shot: a name, a viewport, a query, and what to do before the picture. */
const SHOTS = [
  { name: 'app-1280x720', size: [1280, 720], query: '?sample=coffee' },
  { name: 'app-dark-1280x720', size: [1280, 720], query: '?sample=coffee&layer=features.3.0.block.0', theme: 'dark' },
  { name: 'app-1920x1080', size: [1920, 1080], query: '?sample=coffee' },
  // A phone's first screen, and its Controls sheet (the toolbar and the network map).
  { name: 'app-phone', size: [390, 844], query: '?sample=coffee' },
  { name: 'app-phone-controls', size: [390, 844], query: '?sample=coffee&layer=features.1.0.block.0', controls: true },
  { name: 'journey-1280x720', size: [1280, 720], query: '?sample=chelsea&view=journey', theme: 'dark' },
  { name: 'presenter-1280x720', size: [1280, 720], query: '?sample=coffee&layer=features.1.0.block.0', presenter: true },
  { name: 'strongest-1280x720', size: [1280, 720], query: '?sample=astronaut&view=strongest&layer=features.5.0.block.0' },
  { name: 'compare-1280x720', size: [1280, 720], query: '?sample=coffee&compare=chelsea&view=compare' },
  { name: 'detail-1280x720', size: [1280, 720], query: '?sample=coffee&channel=3', detail: true },
  { name: 'filters-stem-1280x720', size: [1280, 720], query: '?sample=coffee&layer=features.0.0&channel=17', view: 'Filters' },
  { name: 'filters-linear-1280x720', size: [1280, 720], query: '?sample=coffee&layer=features.3.0.block.4&channel=5', view: 'Filters' },
  // "How this value is computed" (issue 27): the channel detail opened at a position by its link, scrolled to the region.
  { name: 'explain-depthwise-1280x720', size: [1280, 720], query: '?sample=coffee&layer=features.1.0.block.0&channel=4&at=20,30', explain: true },
  { name: 'explain-gelu-1280x720', size: [1280, 720], query: '?sample=coffee&layer=features.1.0.block.4&channel=17&at=5,9', explain: true },
];

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
});
let failed = 0;
try {
  for (const shot of SHOTS) {
    if (only && !only.includes(shot.name)) continue;
    // A phone-sized picture is taken as a phone shows the page (a mobile viewport, touch).
    const phone = shot.size[0] < 700;
    const context = await browser.newContext({ viewport: { width: shot.size[0], height: shot.size[1] }, serviceWorkers: 'allow', colorScheme: shot.theme ?? 'light', isMobile: phone, hasTouch: phone });
    const page = await context.newPage();
    try {
      await page.goto(base + shot.query);
      await page.locator('[data-testid=channel-grid][data-run], [data-testid=journey], [data-testid=compare]').first().waitFor({ timeout: 60_000 });
      if (shot.query.includes('compare=')) await page.locator('[data-testid=compare-grid-b]').first().waitFor({ timeout: 60_000 }).catch(() => undefined);
      if (shot.presenter) await page.keyboard.press('f');
      // A view that needs no photo (Filters) is chosen once the photo has run, so the rail shows it too.
      if (shot.view) {
        await page.getByRole('group', { name: 'View' }).getByRole('button', { name: shot.view, exact: true }).click();
        await page.locator('[data-testid=filter-tiles], [data-testid=weight-heatmap]').first().waitFor({ timeout: 60_000 });
      }
      if (shot.detail) await page.getByRole('button', { name: /channel 3$/ }).first().click();
      if (shot.controls) await page.getByRole('button', { name: 'Controls' }).click();
      if (shot.explain) {
        const region = page.getByRole('region', { name: 'How this value is computed' });
        await region.getByTestId('explain-result').waitFor({ timeout: 60_000 });
        await region.evaluate((el) => el.scrollIntoView({ block: 'start' }));
      }
      if (shot.fullPage) {
        // The grid paints tiles outside the window when they scroll in, or for print: a
        // full-page picture asks for the print paint, then returns to screen styles.
        await page.emulateMedia({ media: 'print' });
        await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
        await page.emulateMedia({ media: 'screen' });
      }
      await page.waitForTimeout(600); // let the last tiles and fonts settle for the picture
      await page.screenshot({ path: resolve(out, `${shot.name}.png`), fullPage: !!shot.fullPage });
      console.log(`screenshot: ${resolve(out, `${shot.name}.png`)}`);
    } catch (e) {
      failed++;
      console.error(`screenshot ${shot.name} failed: ${e instanceof Error ? e.message : e}`);
    } finally {
      await context.close();
    }
  }
} finally {
  await browser.close();
  stop();
}
process.exit(failed ? 1 : 0);
