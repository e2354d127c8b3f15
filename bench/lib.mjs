// What every part of `npm run bench` shares: its options (read once from the command line),
// the Chromium it drives, and small statistics helpers.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { resolve } from 'node:path';

export const root = resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const value = (name) => (flag(name) ? args[args.indexOf(name) + 1] : null);

/** --smoke: every section once, on the smallest settings: `npm test` runs it so the bench cannot break unseen. */
const smoke = flag('--smoke');
const quick = flag('--quick') || smoke;
export const opts = {
  smoke,
  quick,
  noBuild: flag('--no-build'),
  occlusionOnly: flag('--occlusion-only'),
  examplesOnly: flag('--examples-only'),
  cameraOnly: flag('--camera-only'),
  staticServer: flag('--static'),
  noPeer: flag('--no-peer'),
  noCheckpoints: flag('--no-checkpoints'),
  modelIds: (value('--models') ?? (smoke ? 'convnext-atto-untrained' : 'convnext-atto-untrained,convnext-tiny-untrained')).split(','),
  runs: smoke ? 1 : quick ? 3 : 10,
  warmup: smoke ? 0 : quick ? 1 : 3,
  /** The fake camera's frame rate (Chromium's own is 20): it must outrun the model. */
  cameraFps: value('--camera-fps') ? Number(value('--camera-fps')) : null,
  cameraFrom: smoke ? 3 : quick ? 20 : 100,
  cameraTo: smoke ? 8 : quick ? 80 : 600,
  port: Number(process.env.BENCH_PORT ?? 4180),
};
/** The camera section runs on the committed model only. */
export const CAMERA_MODEL = 'convnext-atto-untrained';
/** The Why view's defaults: P = 32, S = 16 on a 224 crop, 13 × 13 = 169 occluded inputs (smoke: 3 × 3). */
export const OCCLUSION = smoke ? { patch: 112, stride: 56, count: 9, batch: 8 } : { patch: 32, stride: 16, count: 169, batch: 8 };

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic', '--no-first-run', '--disable-gpu', '--enable-blink-features=ForceEagerMeasureMemory', ...(process.env.CHROMIUM_ARGS?.split(' ').filter(Boolean) ?? [])];
/** The isolation headers `vite preview` sends (vite.config.ts), for --static. */
export const ISOLATION = JSON.parse(readFileSync(resolve(root, 'src/app/isolationHeaders.json'), 'utf8'));
export const baseUrl = () => `http://127.0.0.1:${opts.port}`;

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
export const percentile = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
};
export const fmt = (n, d = 0) => (n === undefined || n === null || Number.isNaN(n) ? 'n/a' : n.toFixed(d));
export const log = (...a) => console.error('[bench]', ...a);
/** A process's private resident memory in bytes (/proc's RssAnon; 0 once it is gone). */
export const rssAnon = (pid) => Number(/RssAnon:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;

export function machine() {
  const cpu = os.cpus();
  let chromiumVersion = 'unknown';
  try {
    chromiumVersion = execFileSync(CHROMIUM, ['--version'], { encoding: 'utf8' }).trim();
  } catch {}
  return `${cpu[0]?.model ?? 'cpu'} × ${cpu.length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.type()} ${os.release()}, Node ${process.version}, ${chromiumVersion}, headless, no GPU`;
}
