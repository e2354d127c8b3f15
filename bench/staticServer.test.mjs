import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveStatic } from './staticServer.mjs';

const HEADERS = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };
const freePort = () =>
  new Promise((ok) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
  });

describe('serveStatic', () => {
  let server;
  let base;
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'static-'));
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>x</title>');
    writeFileSync(join(dir, 'assets', 'ort.wasm'), Buffer.from([0, 97, 115, 109]));
    writeFileSync(join(tmpdir(), 'outside.txt'), 'secret');
    const port = await freePort();
    server = await serveStatic(dir, port, HEADERS);
    base = `http://127.0.0.1:${port}`;
  });
  afterAll(() => server.kill());

  it('serves index.html for a folder, with the isolation headers', async () => {
    const r = await fetch(`${base}/`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(r.headers.get('cross-origin-opener-policy')).toBe('same-origin');
    expect(r.headers.get('cross-origin-embedder-policy')).toBe('require-corp');
    expect(await r.text()).toContain('<title>x</title>');
  });

  it('gives .wasm its MIME type (streaming compilation needs it) and the exact bytes', async () => {
    const r = await fetch(`${base}/assets/ort.wasm`);
    expect(r.headers.get('content-type')).toBe('application/wasm');
    expect([...new Uint8Array(await r.arrayBuffer())]).toEqual([0, 97, 115, 109]);
  });

  it('answers 404 for a missing file and never serves outside the folder', async () => {
    expect((await fetch(`${base}/nope.js`)).status).toBe(404);
    // An encoded slash survives URL parsing and decodes to '../outside.txt'.
    const escaped = await fetch(`${base}/..%2foutside.txt`);
    expect(escaped.status).toBe(403);
    expect(await escaped.text()).not.toContain('secret');
  });
});
