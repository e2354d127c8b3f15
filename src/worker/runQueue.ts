/**
 * The worker's waiting line: requests that need the model run one at a time, in the order
 * they came, except that a photo or camera frame still waiting is replaced by a newer one of
 * its slot (src/worker/latestWins.ts) and answered 'superseded' without being run. A new main
 * photo also stops the occlusion of the old one. Pure: the work itself and every answer go
 * through the hooks, so the policy is tested in Node (runQueue.test.ts).
 */
import { enqueueLatest } from './latestWins';
import type { RunSlot, WorkerRequest, WorkerResponse } from './protocol';
import { asWorkerError } from './workerError';

/** Requests that wait their turn; the others (cancels, debug) are answered at once. */
export type QueuedRequest = Extract<WorkerRequest, { type: 'load-model' | 'configure-input' | 'run' | 'run-frame' | 'class-head' | 'explain-inputs' | 'occlude' | 'examples-batch' | 'examples-maps' }>;

type PhotoRequest = Extract<QueuedRequest, { type: 'run' | 'run-frame' }>;

export interface RunQueueHooks {
  /** Does one request's work and sends its answer; what it throws becomes the error answer. */
  handle(request: QueuedRequest): Promise<void>;
  /** Sends an answer the queue gives itself ('superseded', 'cancelled', a failure). */
  reply(message: WorkerResponse): void;
  /** A request answered without being run: a camera frame must still be closed. */
  dropped(request: QueuedRequest): void;
  /** A new main photo or frame came: an occlusion running for the old photo should stop. */
  photoReplaced(): void;
}

function isPhoto(request: QueuedRequest): request is PhotoRequest {
  return request.type === 'run' || request.type === 'run-frame';
}

/** Photos and frames of one slot share a lane: only the newest waiting one matters. */
function lane(request: QueuedRequest): RunSlot | null {
  return isPhoto(request) ? (request.slot ?? 'main') : null;
}

function supersededMessage(request: QueuedRequest): string {
  return request.type === 'run-frame' ? 'A newer frame replaced this one.' : 'A newer photo replaced this one.';
}

export const OCCLUSION_CANCELLED = 'Occlusion was cancelled.';

export class RunQueue {
  private readonly waiting: QueuedRequest[] = [];
  private busy = false;
  private running: Promise<void> = Promise.resolve();
  /** Set by the debug action 'hold-runs' (tests only): photos and frames wait on it once taken off the line. */
  private gate: { promise: Promise<void>; release: () => void } | null = null;
  /** Requests answered 'superseded' so far (the debug counters). */
  superseded = 0;

  constructor(private readonly hooks: RunQueueHooks) {}

  enqueue(request: QueuedRequest): void {
    // A new photo or camera frame stops the occlusion of the old photo (between two of its batches), or before it starts.
    if (lane(request) === 'main') {
      this.hooks.photoReplaced();
      for (const r of this.waiting.filter((q) => q.type === 'occlude')) this.cancelOcclusion(r.id);
    }
    // Runs of the same slot still waiting are answered as superseded, not run; the other
    // slot's (the compared photo's) run is left alone.
    for (const old of enqueueLatest(this.waiting, request, lane)) {
      this.hooks.dropped(old);
      this.superseded++;
      this.hooks.reply({ type: 'error', id: old.id, code: 'superseded', message: supersededMessage(old) });
    }
    if (!this.busy) this.running = this.pump();
  }

  /** Takes the occlusion `target` off the line if it is still waiting, and answers it 'cancelled'. */
  cancelOcclusion(target: number): void {
    const at = this.waiting.findIndex((r) => r.type === 'occlude' && r.id === target);
    if (at < 0) return;
    this.waiting.splice(at, 1);
    this.hooks.reply({ type: 'error', id: target, code: 'cancelled', message: OCCLUSION_CANCELLED });
  }

  /** From now on a photo or frame taken off the line waits for release() before it runs. */
  hold(): void {
    if (this.gate) return;
    let release = () => undefined as void;
    const promise = new Promise<void>((resolve) => (release = resolve));
    this.gate = { promise, release };
  }

  release(): void {
    this.gate?.release();
    this.gate = null;
  }

  /** Settles once nothing runs or waits (for tests: no timers needed to see the outcome). */
  async drained(): Promise<void> {
    while (this.busy) await this.running;
  }

  private async pump(): Promise<void> {
    this.busy = true;
    try {
      for (let next = this.waiting.shift(); next; next = this.waiting.shift()) {
        try {
          // An examples batch waits too, so a test can cancel while one is surely in the worker.
          if (this.gate && (isPhoto(next) || next.type === 'examples-batch')) await this.gate.promise;
          await this.hooks.handle(next);
        } catch (e) {
          const error = asWorkerError(e, 'internal');
          this.hooks.reply({ type: 'error', id: next.id, code: error.code, message: error.message });
        }
      }
    } finally {
      this.busy = false;
    }
  }
}
