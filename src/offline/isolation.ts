/**
 * Pure helpers shared by the service worker (sw.ts) and its tests: the headers that make
 * a page cross-origin isolated, and the names of the caches the worker fills at run time.
 */

/** What COOP/COEP a response needs so the page gets SharedArrayBuffer (WASM threads). */
export const ISOLATION_HEADERS: Readonly<Record<string, string>> = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  // coi-serviceworker's choice: our files may be embedded by any isolated page.
  'Cross-Origin-Resource-Policy': 'cross-origin',
};

/** Caches filled at run time (the precache has Workbox's own name with the scope in it). */
export const RUNTIME_CACHES = {
  wasm: 'convlens-ort-webgpu',
  models: 'convlens-models',
} as const;

/**
 * The same response with the isolation headers added, as coi-serviceworker does.
 * Opaque responses (status 0) cannot be rebuilt and are passed on as they are.
 */
export function withIsolationHeaders(response: Response): Response {
  if (response.status === 0) return response;
  const headers = new Headers(response.headers);
  for (const [name, value] of Object.entries(ISOLATION_HEADERS)) headers.set(name, value);
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}
