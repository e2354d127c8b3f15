/**
 * Latest frame wins, on the page's side: at most one frame is in flight (sent to the
 * worker, not yet answered) and at most one waits here; a newer frame replaces the waiting
 * one, which is handed back to be closed. When the run in flight ends, the waiting frame is
 * sent at once, so the worker is never idle while the camera is faster than the model, and
 * nothing queues up (not even unread messages in the worker), so latency stays one run,
 * however slow the backend. Pure: the caller grabs, sends and closes.
 */
export interface FrameStep<T> {
  /** Send this frame to the worker now. */
  send: T | null;
  /** This frame was replaced (or is no longer wanted): close it. */
  drop: T | null;
}

export class LatestFrame<T> {
  private inFlight = false;
  private waiting: T | null = null;

  /** A new frame from the camera. */
  offer(frame: T): FrameStep<T> {
    if (!this.inFlight) {
      this.inFlight = true;
      return { send: frame, drop: null };
    }
    const drop = this.waiting;
    this.waiting = frame;
    return { send: null, drop };
  }

  /** The frame in flight was answered (result or failure): the waiting one goes next. */
  done(): FrameStep<T> {
    const next = this.waiting;
    this.waiting = null;
    this.inFlight = next !== null;
    return { send: next, drop: null };
  }

  /** Whether a frame is in flight (the next grab would wait here). */
  get busy(): boolean {
    return this.inFlight;
  }

  /** The camera stopped: forget the frame in flight (its answer is ignored) and hand back the waiting one. */
  clear(): T | null {
    const drop = this.waiting;
    this.waiting = null;
    this.inFlight = false;
    return drop;
  }
}
