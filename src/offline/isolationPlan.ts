/**
 * What the page does about cross-origin isolation once it knows where it stands: nothing,
 * reload once under the service worker (coi-serviceworker's page half), or explain why
 * WASM threads are off. Pure, so every case is unit-tested.
 */

export interface IsolationFacts {
  /** self.crossOriginIsolated of this page. */
  crossOriginIsolated: boolean;
  /** Built for production (the dev server has no service worker). */
  production: boolean;
  /** navigator.serviceWorker exists. */
  serviceWorkerSupported: boolean;
  /** HTTPS or localhost: service workers need it. */
  secureContext: boolean;
  /** A service worker of ours controls this page (so its headers were applied). */
  controlled: boolean;
  /** This tab already reloaded once for isolation (sessionStorage). */
  reloadedBefore: boolean;
  /** The user gave a photo already: a reload would throw their work away. */
  hasPhoto: boolean;
  /** The registration failed with this message. */
  registrationError: string | null;
}

export type IsolationPlan = { action: 'none' } | { action: 'reload' } | { action: 'explain'; why: string };

const PREFIX = 'Threads are off: this page is not cross-origin isolated';

export function planIsolation(f: IsolationFacts): IsolationPlan {
  if (f.crossOriginIsolated) return { action: 'none' };
  if (!f.production) return { action: 'explain', why: `${PREFIX} (the dev server should send COOP/COEP, see vite.config.ts).` };
  if (!f.serviceWorkerSupported) {
    return { action: 'explain', why: `${PREFIX}: the server sends no COOP/COEP headers and this browser offers no service worker to add them (private windows often block them).` };
  }
  if (!f.secureContext) return { action: 'explain', why: `${PREFIX}: the server sends no COOP/COEP headers, and the service worker that adds them needs HTTPS (or localhost).` };
  if (f.registrationError) return { action: 'explain', why: `${PREFIX}: the server sends no COOP/COEP headers and the service worker could not be registered (${f.registrationError}).` };
  if (!f.controlled) return { action: 'explain', why: `${PREFIX} yet: the server sends no COOP/COEP headers, so a service worker is being installed to add them; the page reloads once when it is ready.` };
  if (f.reloadedBefore) return { action: 'explain', why: `${PREFIX}, even under the service worker that adds COOP/COEP: this browser does not isolate pages on headers from a service worker.` };
  if (f.hasPhoto) return { action: 'explain', why: `${PREFIX}: the service worker that adds COOP/COEP is ready now; reload the page to turn threads on.` };
  return { action: 'reload' };
}
