/**
 * Registers the service worker (sw.ts) in production builds and acts on what it means
 * for the page: on a host that sends no COOP/COEP, reload once under the worker so the
 * page becomes cross-origin isolated (coi-serviceworker's page half, with a guard so it
 * never loops and never throws away a photo); report offline readiness and updates.
 */
import { Workbox } from 'workbox-window';
import { useAppStore } from '../store/store';
import { planIsolation, type IsolationFacts } from './isolationPlan';
import { useOfflineStore } from './offlineStore';
import { errorText } from '../app/errorText';

/** Set just before the one reload, so a browser that ignores the worker's headers cannot loop. */
const RELOADED_KEY = 'convlens:reloaded-for-isolation';

function sessionFlag(read: boolean): boolean {
  try {
    if (read) return sessionStorage.getItem(RELOADED_KEY) !== null;
    sessionStorage.setItem(RELOADED_KEY, '1');
  } catch {
    // Storage blocked: treat as "reloaded before" so the page can never loop.
    return true;
  }
  return false;
}

function facts(overrides: Partial<IsolationFacts>): IsolationFacts {
  return {
    crossOriginIsolated: self.crossOriginIsolated,
    production: import.meta.env.PROD,
    // Undefined where the browser blocks workers (Firefox private windows) even though the property exists.
    serviceWorkerSupported: Boolean(navigator.serviceWorker),
    secureContext: self.isSecureContext,
    controlled: Boolean(navigator.serviceWorker?.controller),
    reloadedBefore: sessionFlag(true),
    hasPhoto: useAppStore.getState().photos.main !== null,
    registrationError: null,
    ...overrides,
  };
}

let reloading = false;

/** Decides, and either reloads or records why threads are off. */
function actOnIsolation(overrides: Partial<IsolationFacts> = {}): void {
  if (reloading) return;
  const plan = planIsolation(facts(overrides));
  if (plan.action === 'reload') {
    reloading = true;
    sessionFlag(false);
    location.reload();
    return;
  }
  useOfflineStore.setState({ threadsOffReason: plan.action === 'explain' ? plan.why : null });
}

async function unregisterAll(): Promise<void> {
  // A worker left by a production preview on the same origin would serve stale files in dev.
  const registrations = await navigator.serviceWorker.getRegistrations();
  await Promise.all(registrations.map((r) => r.unregister()));
}

export async function startServiceWorker(): Promise<void> {
  if (self.crossOriginIsolated) {
    try {
      sessionStorage.removeItem(RELOADED_KEY);
    } catch {
      // Nothing to clear where storage is blocked.
    }
  }
  if (!navigator.serviceWorker) return actOnIsolation();
  if (!import.meta.env.PROD) {
    await unregisterAll().catch(() => undefined);
    return actOnIsolation();
  }
  if (!self.isSecureContext) return actOnIsolation();

  const wb = new Workbox(new URL('sw.js', document.baseURI).href, { scope: './' });
  wb.addEventListener('waiting', () => {
    useOfflineStore.setState({
      phase: 'update-ready',
      applyUpdate: () => {
        // The new worker claims the page; reload so the page and its files are from one build.
        wb.addEventListener('controlling', () => location.reload());
        wb.messageSkipWaiting();
      },
    });
  });
  // First install: the worker has claimed this page, so its headers apply from the next load.
  wb.addEventListener('controlling', (event) => {
    if (!event.isUpdate) actOnIsolation({ controlled: true });
  });
  useOfflineStore.setState({ phase: 'installing' });
  actOnIsolation();
  try {
    await wb.register({ immediate: true });
  } catch (e) {
    useOfflineStore.setState({ phase: 'off', error: 'Offline use is not available: the service worker could not be registered.' });
    return actOnIsolation({ registrationError: errorText(e) });
  }
  await navigator.serviceWorker.ready;
  if (useOfflineStore.getState().phase === 'installing') useOfflineStore.setState({ phase: 'ready' });
  // An active worker that does not control this page (a hard reload bypasses it): a normal
  // load will be served by it, with its headers.
  if (!navigator.serviceWorker.controller) actOnIsolation({ controlled: true });
}
