/// <reference lib="webworker" />
/**
 * ConvLens's service worker. One worker controls a scope, and two jobs need one:
 *
 * 1. Offline use (Workbox): everything the first visit needs (app, onnxruntime-web's
 *    WASM build, the default model, the samples) is precached when the worker installs,
 *    keyed by revision, and served from the cache first. onnxruntime-web's WebGPU build
 *    (~27 MB, used only where WebGPU works) and the non-default models are cached when
 *    first fetched.
 * 2. Cross-origin isolation on hosts that cannot send headers (GitHub Pages): every
 *    response this worker hands the page gets COOP/COEP/CORP, as coi-serviceworker
 *    (https://github.com/gzuidhof/coi-serviceworker, MIT, v0.1.7) does. Its worker half
 *    cannot be imported: it installs its own network-only fetch handler, and the first
 *    handler to respond wins, so offline answers would never be served. The header logic
 *    below follows it; the page half (reload once) is in register.ts.
 *
 * Updates: a new build has new precache revisions, so the browser installs the new worker
 * next to the old one; it waits until the page says "update" (SKIP_WAITING from
 * register.ts) or every tab is closed, then its activation deletes every precached URL
 * the new build no longer lists.
 */
import { PrecacheController, PrecacheRoute, cleanupOutdatedCaches, type PrecacheEntry } from 'workbox-precaching';
import { Route, Router } from 'workbox-routing';
import { CacheFirst, NetworkFirst } from 'workbox-strategies';
import { ExpirationPlugin } from 'workbox-expiration';
import { RUNTIME_CACHES, withIsolationHeaders } from './isolation';

declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: (string | PrecacheEntry)[] };

const precache = new PrecacheController();
// Registers install (download every entry) and activate (delete outdated entries) handlers.
precache.precache(self.__WB_MANIFEST);
// Caches left by an older Workbox version's naming scheme.
cleanupOutdatedCaches();

self.addEventListener('message', (event: ExtendableMessageEvent) => {
  const data = event.data as { type?: unknown } | null;
  if (data?.type === 'SKIP_WAITING') void self.skipWaiting();
});

// Control the page that registered us right away: on a header-less host the page
// reloads once under our headers (register.ts) to become cross-origin isolated.
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

const router = new Router();
const sameOrigin = (url: URL) => url.origin === self.location.origin;

// Precached files, including the page itself at "./" (directoryIndex) and with any query
// (?backend=wasm must work offline too).
router.registerRoute(new PrecacheRoute(precache, { directoryIndex: 'index.html', ignoreURLParametersMatching: [/.*/] }));

// Any other navigation inside the scope gets the precached app shell.
router.registerRoute(
  new Route(
    ({ request, url }) => request.mode === 'navigate' && sameOrigin(url),
    async ({ request }) => (await precache.matchPrecache('index.html')) ?? fetch(request),
  ),
);

// onnxruntime-web's WebGPU wasm: content-hashed name, so the cached copy is always right.
router.registerRoute(
  new Route(
    ({ url }) => sameOrigin(url) && url.pathname.endsWith('.wasm'),
    new CacheFirst({ cacheName: RUNTIME_CACHES.wasm, plugins: [new ExpirationPlugin({ maxEntries: 2, purgeOnQuotaError: true })] }),
  ),
);

// Models other than the precached default: fresh from the network when online (the
// URL does not change when a model is re-exported), the last copy when offline.
router.registerRoute(
  new Route(
    ({ url }) => sameOrigin(url) && url.pathname.includes('/models/'),
    new NetworkFirst({ cacheName: RUNTIME_CACHES.models, plugins: [new ExpirationPlugin({ maxEntries: 12, purgeOnQuotaError: true })] }),
  ),
);

// One fetch handler for both jobs: Workbox picks the answer, then the isolation headers
// go on, whatever the answer came from.
self.addEventListener('fetch', (event: FetchEvent) => {
  const { request } = event;
  // From coi-serviceworker: a devtools quirk; such requests cannot be answered by a worker.
  if (request.cache === 'only-if-cached' && request.mode !== 'same-origin') return;
  const handled = router.handleRequest({ event, request }) ?? fetch(request);
  event.respondWith(handled.then(withIsolationHeaders));
});
