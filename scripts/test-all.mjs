#!/usr/bin/env node
// Runs every suite (model/Python, typecheck, unit, build, end-to-end in Chromium, the bench's smoke pass)
// and ends with one line counting them all: "N passed, N failed, N skipped".
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const tmp = resolve(root, 'test-results');
mkdirSync(tmp, { recursive: true });
const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : null;

const totals = { passed: 0, failed: 0, skipped: 0 };
const rows = [];

function run(cmd, args, env = {}) {
  console.log(`\n$ ${cmd} ${args.join(' ')}`);
  const started = Date.now();
  const r = spawnSync(cmd, args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, ...env } });
  return { status: r.status ?? 1, seconds: (Date.now() - started) / 1000 };
}

function record(suite, passed, failed, skipped, seconds) {
  totals.passed += passed;
  totals.failed += failed;
  totals.skipped += skipped;
  rows.push({ suite, passed, failed, skipped, seconds });
}

function pythonSuite() {
  const report = resolve(tmp, 'python-tests.json');
  rmSync(report, { force: true });
  const r = run('/usr/bin/python3', ['model/tests/run.py', '--json', report]);
  if (!existsSync(report)) return record('model (python)', 0, 1, 0, r.seconds);
  const j = JSON.parse(readFileSync(report, 'utf8'));
  record('model (python)', j.passed, j.failed + (r.status !== 0 && j.failed === 0 ? 1 : 0), j.skipped, r.seconds);
}

function stepSuite(name, cmd, args) {
  const r = run(cmd, args);
  record(name, r.status === 0 ? 1 : 0, r.status === 0 ? 0 : 1, 0, r.seconds);
  return r.status === 0;
}

function vitestSuite() {
  const report = resolve(tmp, 'vitest.json');
  rmSync(report, { force: true });
  const r = run('npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`]);
  if (!existsSync(report)) return record('unit + parity (vitest)', 0, 1, 0, r.seconds);
  const j = JSON.parse(readFileSync(report, 'utf8'));
  const failedSuites = j.numFailedTestSuites ?? 0;
  record('unit + parity (vitest)', j.numPassedTests, j.numFailedTests + (j.numFailedTests === 0 ? failedSuites : 0), j.numPendingTests + (j.numTodoTests ?? 0), r.seconds);
}

function playwrightSuite() {
  const report = resolve(tmp, 'playwright.json');
  rmSync(report, { force: true });
  const r = run('npx', ['playwright', 'test', '--reporter=list,json'], { PLAYWRIGHT_JSON_OUTPUT_NAME: report, CI: process.env.CI ?? '1' });
  if (!existsSync(report)) return record('end-to-end (playwright)', 0, 1, 0, r.seconds);
  const s = JSON.parse(readFileSync(report, 'utf8')).stats;
  record('end-to-end (playwright)', s.expected + s.flaky, s.unexpected + (r.status !== 0 && s.unexpected === 0 ? 1 : 0), s.skipped, r.seconds);
}

if (!only || only === 'model') pythonSuite();
if (!only || only === 'unit') {
  stepSuite('typecheck (tsc)', 'npx', ['tsc', '-p', '.']);
  vitestSuite();
}
if (!only || only === 'e2e') {
  if (stepSuite('production build (vite)', 'npx', ['vite', 'build', '--logLevel', 'warn'])) playwrightSuite();
  else record('end-to-end (playwright)', 0, 1, 0, 0);
}
// The command users are told to run for the figures: its whole flow once, so it cannot break unseen.
if (!only || only === 'bench') stepSuite('bench smoke (npm run bench)', 'node', ['bench/run.mjs', '--smoke']);

console.log('\nsuite                      passed  failed  skipped  seconds');
for (const r of rows) {
  console.log(`${r.suite.padEnd(26)} ${String(r.passed).padStart(6)}  ${String(r.failed).padStart(6)}  ${String(r.skipped).padStart(7)}  ${r.seconds.toFixed(0).padStart(7)}`);
}
console.log(`${totals.passed} passed, ${totals.failed} failed${totals.skipped ? `, ${totals.skipped} skipped` : ''}`);
process.exit(totals.failed > 0 ? 1 : 0);
