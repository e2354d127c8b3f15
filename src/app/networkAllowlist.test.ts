/**
 * The privacy guarantee behind `connect-src 'self' https:` (src/app/csp.ts, docs/hub.md):
 * the policy lets OUR code fetch from any https origin, so what keeps photos in the tab
 * is that no code of ours sends anything. This test pins every place in the app that
 * can reach the network, and checks each is a plain GET with no body. A new call site
 * fails here until it is reviewed and listed.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = resolve(import.meta.dirname, '..');

/** file → number of fetch( calls, and what each fetches. */
const ALLOWED: Record<string, { calls: number; what: string }> = {
  'store/photoActions.ts': { calls: 1, what: 'a bundled sample photo, same origin' },
  'examples/examplesActions.ts': { calls: 1, what: 'the bundled sample photos the Examples view starts with, same origin' },
  'app/hubClient.ts': { calls: 1, what: "a Hugging Face repo's file list, config.json, preprocessor_config.json" },
  'worker/modelBytes.ts': { calls: 1, what: 'the model file (same origin, a Hub file or a typed Model URL)' },
  'store/modelActions.ts': { calls: 1, what: 'models/index.json and a bundled manifest, same origin' },
  'store/modelLabels.ts': { calls: 1, what: 'imagenet-labels.txt, same origin' },
  'offline/sw.ts': { calls: 2, what: 'the service worker passing the page’s own requests on' },
};

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.(ts|tsx)$/.test(name) && !/\.test\.tsx?$/.test(name) && !path.includes(`${join('model', 'testing')}`) ? [path] : [];
  });
}

/** The argument text of each fetch( call in `code`. */
function fetchCalls(code: string): string[] {
  const out: string[] = [];
  for (let at = code.indexOf('fetch('); at >= 0; at = code.indexOf('fetch(', at + 1)) {
    if (/\w/.test(code[at - 1] ?? '')) continue; // prefetch(, refetch(…: another function
    let depth = 0;
    let end = at + 5;
    for (; end < code.length; end++) {
      if (code[end] === '(') depth++;
      else if (code[end] === ')' && --depth === 0) break;
    }
    out.push(code.slice(at + 6, end));
  }
  return out;
}

describe('network call sites', () => {
  const files = sources(SRC);
  it('only the reviewed files fetch, as often as listed', () => {
    const found: Record<string, number> = {};
    for (const f of files) {
      const n = fetchCalls(readFileSync(f, 'utf8')).length;
      if (n > 0) found[relative(SRC, f)] = n;
    }
    expect(found).toEqual(Object.fromEntries(Object.entries(ALLOWED).map(([f, a]) => [f, a.calls])));
  });
  it('no fetch sends a body or uses another method than GET', () => {
    for (const f of Object.keys(ALLOWED)) {
      for (const args of fetchCalls(readFileSync(join(SRC, f), 'utf8'))) {
        expect(args, f).not.toMatch(/\bbody\b|\bmethod\b/);
      }
    }
  });
  it('nothing else can send: no XMLHttpRequest, sendBeacon, WebSocket, EventSource, WebRTC or form posts', () => {
    for (const f of files) {
      const code = readFileSync(f, 'utf8');
      expect(code, relative(SRC, f)).not.toMatch(/XMLHttpRequest|sendBeacon|new WebSocket|new EventSource|RTCPeerConnection|method=["']post/i);
    }
  });
});
