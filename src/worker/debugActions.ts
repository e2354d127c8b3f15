/**
 * The worker's test hooks (src/worker/protocol.ts DebugAction): counters, a crash, a lost GPU
 * device, and holding photos back so a test can pile requests up behind one and see exactly
 * which the queue supersedes. Answered at once, never queued: a test must be able to break
 * things while a run is busy. Only a worker started from a `?debug` page answers them.
 */
import type { InferenceEngine } from './inferenceEngine';
import { assertNever, type DebugAction, type WorkerStats } from './protocol';
import type { RunQueue } from './runQueue';
import { wasmMemoryBytes } from './wasmMemory';
import { WorkerError } from './workerError';

export interface DebugTargets {
  engine: InferenceEngine;
  queue: RunQueue;
  /** Started from a `?debug` page (src/worker/protocol.ts isDebugWorkerName). */
  enabled: boolean;
}

function stats({ engine, queue }: DebugTargets): WorkerStats {
  const { runsExecuted, framesReceived, framesClosed, framesDirect } = engine.counters;
  return {
    runsExecuted,
    runsSuperseded: queue.superseded,
    wasmMemoryBytes: wasmMemoryBytes(),
    backend: engine.backend,
    framesOpen: framesReceived - framesClosed,
    framesReceived,
    framesDirect,
  };
}

/** Does `action` and returns the counters after it; 'crash' returns null, as the worker is about to die. */
export async function debugAction(action: DebugAction, targets: DebugTargets): Promise<WorkerStats | null> {
  if (!targets.enabled) throw new WorkerError('internal', 'Debug actions are only answered on a page opened with ?debug.');
  switch (action) {
    case 'stats':
      break;
    case 'crash':
      // An uncaught error outside any handler kills the worker as a real bug would.
      setTimeout(() => {
        throw new Error('Simulated worker crash (debug hook)');
      });
      return null;
    case 'hold-runs':
      targets.queue.hold();
      break;
    case 'release-runs':
      targets.queue.release();
      break;
    case 'lose-gpu':
      await targets.engine.loseGpu();
      break;
    default:
      return assertNever(action, 'debug action');
  }
  return stats(targets);
}
