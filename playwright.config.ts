import { defineConfig } from '@playwright/test';
import { BASE_ARGS, CHROMIUM_PATH, WEBGPU_ARGS } from './e2e/chromium';

const PORT = Number(process.env.E2E_PORT ?? 4173);
// E2E_DIST serves another build folder (several people building on one machine at once).
const DIST = process.env.E2E_DIST ? ` --outDir ${process.env.E2E_DIST}` : '';

export default defineConfig({
  testDir: 'e2e',
  timeout: 120_000,
  expect: { timeout: 60_000 },
  // Two cores: one browser at a time keeps inference timings and WASM threads sane.
  workers: 1,
  fullyParallel: false,
  retries: 0,
  reporter: process.env.PW_REPORTER ? [[process.env.PW_REPORTER]] : [['list']],
  outputDir: process.env.E2E_RESULTS ?? 'test-results',
  use: {
    baseURL: `http://127.0.0.1:${PORT}/`,
    viewport: { width: 1280, height: 800 },
    acceptDownloads: true,
    // The offline service worker answers requests before page.route sees them and precaches
    // ~29 MB per fresh context; only the deploy/offline specs, which test it, allow it.
    serviceWorkers: 'block',
    launchOptions: { executablePath: CHROMIUM_PATH, args: [...BASE_ARGS, '--disable-gpu'] },
  },
  projects: [
    { name: 'wasm', testIgnore: /webgpu\.spec\.ts/ },
    {
      name: 'webgpu',
      testMatch: /webgpu\.spec\.ts/,
      timeout: 300_000,
      use: { launchOptions: { executablePath: CHROMIUM_PATH, args: WEBGPU_ARGS } },
    },
  ],
  webServer: {
    // The production build, served with COOP/COEP by vite preview (see vite.config.ts).
    command: `npx vite preview --port ${PORT} --strictPort --host 127.0.0.1${DIST}`,
    url: `http://127.0.0.1:${PORT}/`,
    reuseExistingServer: !process.env.CI,
    timeout: 60_000,
  },
});
