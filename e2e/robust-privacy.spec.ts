/**
 * Issue 7: no photo leaves the tab, the production CSP is in force, and anything a
 * file or a manifest says is shown as text, never run as HTML.
 * Issue 14 opened connect-src to https: for model downloads; that photos still never leave
 * after a model came from another origin is checked against the Hub mirror in e2e/hub.spec.ts
 * (privacy), and src/app/networkAllowlist.test.ts pins every network call site.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect, test } from '@playwright/test';
import { DEFAULT_MODEL_ID, ROOT, dropFiles, photoFile, samplePath, waitForModel, waitForResult } from './helpers';
import { ensureGeneratedPhotos, file, generated } from './robust-helpers';

const XSS = '<img src=x onerror=alert(1)>';

test('after the page has loaded, dropping photos makes no network request at all', async ({ page, context }) => {
  ensureGeneratedPhotos();
  await page.goto('./');
  await waitForModel(page);
  await page.waitForLoadState('networkidle'); // sample thumbnails included
  const requests: string[] = [];
  // Playwright's log is fed by the browser's own network events, workers included;
  // the CDP Network domain is asked as well, directly.
  context.on('request', (r) => requests.push(`playwright: ${r.url()}`));
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  cdp.on('Network.requestWillBeSent', (e) => requests.push(`cdp: ${e.request.url}`));

  await dropFiles(page, [photoFile(samplePath('coffee.png'))]);
  await waitForResult(page, 'coffee.png');
  await dropFiles(page, [photoFile(samplePath('rocket.jpg'))]);
  await waitForResult(page, 'rocket.jpg');
  await dropFiles(page, [generated('animated.gif')]);
  await waitForResult(page, 'animated.gif');
  await page.getByLabel('Layer', { exact: true }).selectOption('features.3.0.block.0');
  await expect(page.getByTestId('channel-grid')).toHaveAttribute('data-tap', 'features.3.0.block.0');
  // One more photo after the layer change: its result is the event that closes the window of observation.
  await dropFiles(page, [photoFile(samplePath('chelsea.png'))]);
  await waitForResult(page, 'chelsea.png');
  expect(requests).toEqual([]);
});

test.describe('Content-Security-Policy', () => {
  test('is sent as a header and in the built page, with no inline script and no eval', async ({ page }) => {
    const response = await page.goto('./');
    const header = response!.headers()['content-security-policy'];
    expect(header).toContain("script-src 'self' 'wasm-unsafe-eval'");
    expect(header).toContain("frame-ancestors 'none'");
    // Issue 14: model downloads may reach any https origin (the Hub, its CDN, a typed Model URL);
    // nothing else widened: scripts, workers, images, styles and forms stay on this site.
    expect(header).toContain("connect-src 'self' https:;");
    for (const d of ["default-src 'self';", "worker-src 'self';", "img-src 'self' data:;", "style-src 'self';", "form-action 'self'", "object-src 'none'"]) expect(header).toContain(d);
    const html = readFileSync(resolve(ROOT, 'dist/index.html'), 'utf8');
    expect(html).toMatch(/<meta http-equiv="Content-Security-Policy" content="[^"]*script-src &#39;self&#39; &#39;wasm-unsafe-eval&#39;/);
    expect(html).toMatch(/<meta http-equiv="Content-Security-Policy" content="[^"]*connect-src &#39;self&#39; https:;/);
    // Vite emitted no inline script: every <script> has a src.
    expect(html.match(/<script(?![^>]*\bsrc=)[^>]*>/g) ?? []).toEqual([]);
  });

  test('is in force, and the app (threads and module workers included) runs under it', async ({ page }) => {
    const violations: string[] = [];
    page.on('console', (m) => {
      if (/Content.Security.Policy/i.test(m.text())) violations.push(m.text());
    });
    await page.addInitScript(() => {
      const seen: string[] = [];
      (window as unknown as { __violations: string[] }).__violations = seen;
      document.addEventListener('securitypolicyviolation', (e) => seen.push(`${e.violatedDirective} ${e.blockedURI}`));
    });
    await page.goto('./');
    await waitForModel(page);
    await expect(page.getByTestId('backend')).toContainText(/wasm · [2-9] threads/);
    await dropFiles(page, [photoFile(samplePath('coffee.png'))]);
    await waitForResult(page, 'coffee.png');
    expect(await page.evaluate(() => (window as unknown as { __violations: string[] }).__violations)).toEqual([]);
    expect(violations).toEqual([]);

    // Now try what an injected script would do. (A direct eval() inside page.evaluate
    // would prove nothing: DevTools evaluations are exempt from the eval rule. A string
    // timer is compiled later by the page itself.)
    const evalRan = await page.evaluate(async () => {
      (setTimeout as (code: string, ms: number) => number)('window.__evalRan = true', 0);
      // Timers of equal delay run in order: the next one runs after the string timer would have.
      await new Promise((r) => setTimeout(r, 0));
      return (window as unknown as { __evalRan?: boolean }).__evalRan === true;
    });
    expect(evalRan).toBe(false);
    const inlineRan = await page.evaluate(async () => {
      const s = document.createElement('script');
      s.textContent = 'window.__inlineRan = true';
      document.body.append(s); // an allowed inline script runs during append itself
      return (window as unknown as { __inlineRan?: boolean }).__inlineRan === true;
    });
    expect(inlineRan).toBe(false);
    const blocked = await page.evaluate(() => (window as unknown as { __violations: string[] }).__violations);
    expect(blocked).toContain('script-src-elem inline');
    expect(blocked).toContain('script-src eval');
  });
});

test.describe('names, labels and model metadata are text, never HTML', () => {
  test.beforeEach(({ page }) => {
    page.on('dialog', (d) => {
      throw new Error(`a dialog opened: ${d.message()}`);
    });
  });

  test('a file named like an HTML tag', async ({ page }) => {
    await page.goto('./');
    await waitForModel(page);
    const name = `${XSS}.png`;
    await dropFiles(page, [{ ...photoFile(samplePath('coffee.png')), name }]);
    await waitForResult(page, name);
    await expect(page.locator('.crop__name')).toHaveText(name);
    await dropFiles(page, [file(`${XSS}.jpg`, Buffer.from('not an image'))]);
    await expect(page.getByRole('alert')).toContainText(`"${XSS}.jpg"`);
    await expect(page.locator('img[src="x"]')).toHaveCount(0);
  });

  test('a manifest whose labels, names and descriptions are HTML', async ({ page }) => {
    const manifest = JSON.parse(readFileSync(resolve(ROOT, `public/models/${DEFAULT_MODEL_ID}/manifest.json`), 'utf8')) as {
      displayName: string;
      limitation?: string;
      arch: string;
      labels: string[];
      taps: { description: string }[];
      weights: { description: string };
    };
    manifest.displayName = `Model ${XSS}`;
    manifest.arch = XSS;
    manifest.weights.description = XSS;
    manifest.limitation = XSS;
    manifest.labels = manifest.labels.map((_, i) => `${XSS} ${i}`);
    for (const t of manifest.taps) t.description = XSS;
    await page.route(`**/${DEFAULT_MODEL_ID}/manifest.json`, (route) => route.fulfill({ body: JSON.stringify(manifest), contentType: 'application/json' }));
    await page.goto('./');
    await waitForModel(page);
    await dropFiles(page, [photoFile(samplePath('coffee.png'))]);
    await waitForResult(page, 'coffee.png');
    await expect(page.locator('p[role="status"]')).toContainText(`Model ${XSS}`);
    await expect(page.locator('.predictions__label').first()).toHaveText(new RegExp(`^${XSS.replace(/[()]/g, '\\$&')} \\d+$`));
    await expect(page.getByTestId('layer-description')).toContainText(XSS);
    await expect(page.getByTestId('model-limitation')).toContainText(XSS);
    await page.getByRole('button', { name: 'About' }).click();
    await expect(page.getByRole('dialog')).toContainText(`Model ${XSS}`);
    await expect(page.locator('img[src="x"]')).toHaveCount(0);
    await page.screenshot({ path: 'screenshots/robust-xss-manifest.png' });
  });
});
