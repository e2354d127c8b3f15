#!/usr/bin/env node
// Screenshots for docs/shapes-model.md: the Journey view and the channel grid of the
// shapes model and of the untrained model, on a sample photo and on a drawn shape.
// Needs a production build (npx vite build) and serves it with vite preview on E2E_PORT.
//
//   E2E_PORT=4202 node scripts/shapes-screenshots.mjs [--out docs/img] [--shape FILE.png]
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { chromium } from '@playwright/test';

const root = resolve(import.meta.dirname, '..');
const arg = (name, fallback) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : fallback);
const out = resolve(root, arg('--out', 'docs/img'));
const shape = arg('--shape', null);
const port = Number(process.env.E2E_PORT ?? 4202);
const base = `http://127.0.0.1:${port}/`;

const server = spawn('npx', ['vite', 'preview', '--port', String(port), '--strictPort', '--host', '127.0.0.1'], { cwd: root, stdio: 'ignore' });
async function waitForServer() {
  for (let i = 0; i < 120; i++) {
    try {
      if ((await fetch(base)).ok) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`vite preview did not answer on ${base}`);
}

async function ready(page) {
  await page.locator('p[role="status"][data-status="ready"]').waitFor({ timeout: 180_000 });
}

async function drop(page, file) {
  const name = basename(file);
  const base64 = readFileSync(file).toString('base64');
  const dt = await page.evaluateHandle(
    ({ name, base64 }) => {
      const dt = new DataTransfer();
      dt.items.add(new File([Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))], name, { type: 'image/png' }));
      return dt;
    },
    { name, base64 },
  );
  for (const type of ['dragenter', 'dragover', 'drop']) await page.dispatchEvent('body', type, { dataTransfer: dt });
  await page.locator(`[data-testid="channel-grid"][data-photo="${name}"], [data-testid="journey"]`).first().waitFor({ timeout: 180_000 });
  await ready(page);
}

const shots = [];
try {
  await waitForServer();
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
  const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  await page.goto(base);
  await ready(page);
  const inputs = [['coffee', resolve(root, 'public/samples/coffee.png')]];
  if (shape) inputs.push(['shape', resolve(shape)]);
  for (const [model, tag] of [
    ['convnext-atto-shapes', 'shapes'],
    ['convnext-atto-untrained', 'untrained'],
  ]) {
    await page.getByLabel('Model', { exact: true }).selectOption(model);
    await ready(page);
    for (const [what, file] of inputs) {
      await page.getByRole('button', { name: 'Channels', exact: true }).click();
      await drop(page, file);
      await page.getByLabel('Layer', { exact: true }).selectOption('features.0.0');
      await page.locator('[data-testid="channel-grid"][data-tap="features.0.0"]').waitFor();
      await page.waitForTimeout(500);
      await page.getByTestId('channel-grid').scrollIntoViewIfNeeded();
      const grid = `${out}/${tag}-${what}-stem.png`;
      await page.screenshot({ path: grid });
      await page.getByRole('button', { name: 'Journey', exact: true }).click();
      await page.getByTestId('journey').waitFor();
      await page.waitForTimeout(500);
      const journey = `${out}/${tag}-${what}-journey.png`;
      await page.getByTestId('journey').scrollIntoViewIfNeeded();
      await page.screenshot({ path: journey });
      await page.evaluate(() => window.scrollTo(0, 0));
      shots.push(grid, journey);
    }
  }
  await browser.close();
  console.log(shots.join('\n'));
} finally {
  server.kill();
}
