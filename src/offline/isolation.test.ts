import { describe, expect, it } from 'vitest';
import { ISOLATION_HEADERS, withIsolationHeaders } from './isolation';

describe('withIsolationHeaders', () => {
  it('adds COOP/COEP/CORP and keeps status, body and the other headers', async () => {
    const original = new Response('model bytes', { status: 200, statusText: 'OK', headers: { 'Content-Type': 'application/octet-stream', 'Content-Length': '11' } });
    const wrapped = withIsolationHeaders(original);
    expect(wrapped.status).toBe(200);
    expect(wrapped.headers.get('Cross-Origin-Opener-Policy')).toBe('same-origin');
    expect(wrapped.headers.get('Cross-Origin-Embedder-Policy')).toBe('require-corp');
    expect(wrapped.headers.get('Cross-Origin-Resource-Policy')).toBe(ISOLATION_HEADERS['Cross-Origin-Resource-Policy']);
    expect(wrapped.headers.get('Content-Length')).toBe('11');
    expect(await wrapped.text()).toBe('model bytes');
  });
  it('keeps error statuses (a 404 stays a 404)', () => {
    expect(withIsolationHeaders(new Response('missing', { status: 404, statusText: 'Not Found' })).status).toBe(404);
  });
  it('passes opaque responses through untouched', () => {
    const opaque = Response.error();
    expect(withIsolationHeaders(opaque)).toBe(opaque);
  });
});
