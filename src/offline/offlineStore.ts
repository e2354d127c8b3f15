/**
 * Where the service worker stands, for the page: offline readiness, a waiting update,
 * and why WASM threads are off. Its own small store: none of it is app state.
 */
import { create } from 'zustand';

export type OfflinePhase =
  /** No service worker: dev server, unsupported browser, or registration failed. */
  | 'off'
  /** Registered; installing (downloading everything the app needs offline). */
  | 'installing'
  /** Active: the app, the default model and the samples are cached. */
  | 'ready'
  /** A new build's worker is installed and waits for the page to say "update". */
  | 'update-ready';

export interface OfflineState {
  phase: OfflinePhase;
  /** Why the page is not cross-origin isolated (so WASM threads are off), or null. */
  threadsOffReason: string | null;
  /** Registration or install failure, shown as a note (the app itself still works online). */
  error: string | null;
  /** Set by register.ts: activates the waiting worker, then reloads. */
  applyUpdate: (() => void) | null;
}

export const useOfflineStore = create<OfflineState>(() => ({
  phase: 'off',
  threadsOffReason: null,
  error: null,
  applyUpdate: null,
}));
