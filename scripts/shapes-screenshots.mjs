#!/usr/bin/env node
// Pictures for docs/shapes-model.md and the README: the Journey, the stem's channels and the
// Why view of the shapes network next to the untrained default, on a drawn star the network
// never saw (model/shapes.py, seed 31337, picture 3) and on the espresso sample.
// Needs a production build (npx vite build); serves it with vite preview on E2E_PORT.
//
//   npx vite build && E2E_PORT=4202 node scripts/shapes-screenshots.mjs [--out docs/img]
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { chromium } from '@playwright/test';

const root = resolve(import.meta.dirname, '..');
const arg = (name, fallback) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : fallback);
const out = resolve(root, arg('--out', 'docs/img'));
const port = Number(process.env.E2E_PORT ?? 4202);
const base = `http://127.0.0.1:${port}/`;

const shapesDir = mkdtempSync(join(tmpdir(), 'convlens-shapes-'));
execFileSync('/usr/bin/python3', ['model/shapes.py', '--seed', '31337', '--start', '3', '--count', '1', '--size', '256', '--png', shapesDir], { cwd: root, stdio: 'inherit' });
const star = join(shapesDir, '00003-star.png');

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
  await page.locator(`[data-testid="channel-grid"][data-photo="${name}"]`).waitFor({ timeout: 180_000 });
  await ready(page);
}

/** Every tile painted: the grid paints on idle frames, two animation frames are enough after ready. */
async function settled(page) {
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
}

const shots = [];
try {
  await waitForServer();
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
  const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  await page.goto(base);
  await ready(page);
  const inputs = [
    ['star', star],
    ['coffee', resolve(root, 'public/samples/coffee.png')],
  ];
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
      await settled(page);
      const grid = `${out}/${tag}-${what}-stem.png`;
      await page.screenshot({ path: grid });
      await page.getByRole('button', { name: 'Journey', exact: true }).click();
      await page.getByTestId('journey').waitFor();
      await settled(page);
      const journey = `${out}/${tag}-${what}-journey.png`;
      await page.getByTestId('journey').screenshot({ path: journey });
      await page.getByRole('button', { name: 'Why', exact: true }).click();
      await page.getByTestId('why-canvas').waitFor();
      await settled(page);
      const why = `${out}/${tag}-${what}-why.png`;
      await page.screenshot({ path: why });
      shots.push(grid, journey, why);
    }
  }
  await browser.close();
  console.log(shots.join('\n'));
} finally {
  server.kill();
}
