/**
 * The only test and benchmark globals, present only with `?debug` in the URL:
 * `window.__convlens` lets the robustness tests (and a curious teacher in the console)
 * load another manifest, read the worker's counters, and inject faults (kill the worker,
 * lose the GPU device); `window.__convlensGridPaints` is the grid's recent paint times
 * for `npm run bench`. The app itself never calls any of it; e2e/no-test-hooks.spec.ts
 * checks that the production page without ?debug has none of them.
 */
import { gridPaints } from '../components/gridPaints';
import type { InputChoice } from '../model/deriveManifest';
import { configureForeignInput, loadModel } from '../store/modelActions';
import { useAppStore } from '../store/store';
import { inferenceClient } from '../store/workerClient';
import type { DebugAction, WorkerStats } from '../worker/protocol';
import { debugRequested } from '../worker/client';
import { cameraDebug } from '../camera/frameStats';
import { examplesTimings, resetExamplesTimings } from '../examples/examplesActions';

export interface ConvLensDebug {
  /** Loads the manifest at url (relative to the page) and its model, as a model menu would. */
  loadModel(url: string): Promise<void>;
  /** Worker counters, or a fault: 'crash' kills the worker, 'lose-gpu' destroys the WebGPU device. */
  worker(action: DebugAction): Promise<WorkerStats | null>;
  /** Re-derives a foreign model's input (e.g. with a preprocessor_config.json's preprocessing), as its input controls do. */
  configureInput(choice: InputChoice): Promise<void>;
  store: typeof useAppStore;
  /** Camera frames open on the page side, frames shown, and per-frame timings. */
  camera: typeof cameraDebug;
  /** The Examples view's time split summed over batches (decode, preprocess, run, bookkeeping in the worker; wall on the page). */
  examples: { timings: typeof examplesTimings; reset: () => void };
}

declare global {
  interface Window {
    __convlens?: ConvLensDebug;
    /** Recent grid paint durations in ms (src/components/gridPaints.ts). */
    __convlensGridPaints?: number[];
  }
}

export function installDebugHook(search: string): void {
  if (!debugRequested(search)) return;
  window.__convlens = {
    loadModel: (url) => loadModel(new URL(url, document.baseURI).href),
    // A crash never answers; the client rejects it when the worker dies, which is the expected outcome.
    worker: (action) => inferenceClient().debug(action).catch((e: unknown) => (action === 'crash' ? null : Promise.reject(e))),
    configureInput: (choice) => configureForeignInput(choice),
    store: useAppStore,
    camera: cameraDebug,
    examples: { timings: examplesTimings, reset: resetExamplesTimings },
  };
  window.__convlensGridPaints = gridPaints;
}
