import { describe, expect, it } from 'vitest';
import { CSP_HEADER, CSP_META } from './csp';

const directive = (policy: string, name: string) =>
  policy
    .split(';')
    .map((d) => d.trim().split(/\s+/))
    .find(([n]) => n === name)
    ?.slice(1);

describe('Content-Security-Policy', () => {
  it('allows scripts from this site only, with no inline script and no eval', () => {
    for (const policy of [CSP_HEADER, CSP_META]) {
      expect(directive(policy, 'script-src')).toEqual(["'self'", "'wasm-unsafe-eval'"]);
      expect(policy).not.toMatch(/'unsafe-inline'|'unsafe-eval'|\*/);
      // Model downloads from any https origin (the Hub and its CDN, typed URLs); never plain http, data: or blob:.
      expect(directive(policy, 'connect-src')).toEqual(["'self'", 'https:']);
      // Everything else stays on this site: no other origin may provide scripts, workers, images, forms.
      for (const name of ['default-src', 'worker-src', 'style-src', 'font-src', 'form-action']) expect(directive(policy, name)).toEqual(["'self'"]);
      expect(directive(policy, 'img-src')).toEqual(["'self'", 'data:']);
      expect(directive(policy, 'object-src')).toEqual(["'none'"]);
    }
  });
  it('keeps frame-ancestors out of the meta tag, where browsers ignore it', () => {
    expect(directive(CSP_HEADER, 'frame-ancestors')).toEqual(["'none'"]);
    expect(directive(CSP_META, 'frame-ancestors')).toBeUndefined();
  });
});
