/**
 * Counters and timings of camera frames on the page's side of the worker, read by the
 * e2e tests and `npm run bench` through the ?debug hook (src/app/debugHook.ts); never
 * used by the app.
 */

/** Per-frame timings in ms. */
export interface FrameTiming {
  grabMs: number;
  decodeMs: number;
  preprocessMs: number;
  inferenceMs: number;
  /** Frame grabbed → its result is in the store. */
  totalMs: number;
  runId: number;
  appliedAt: number;
}

export const frameCounters = { grabbed: 0, handedOver: 0, closedOnPage: 0, applied: 0, superseded: 0 };
const timings: FrameTiming[] = [];

export function recordFrameTiming(timing: FrameTiming): void {
  timings.push(timing);
  if (timings.length > 1000) timings.shift();
}

/** For tests and the ?debug hook: frames on this side of the worker, and recent timings. */
export function cameraDebug(): { openOnPage: number; grabbed: number; dropped: number; applied: number; superseded: number; timings: FrameTiming[] } {
  return {
    openOnPage: frameCounters.grabbed - frameCounters.handedOver - frameCounters.closedOnPage,
    grabbed: frameCounters.grabbed,
    /** Grabbed frames never sent: replaced by a newer one while waiting, the same picture again, or left when the camera stopped. */
    dropped: frameCounters.closedOnPage,
    applied: frameCounters.applied,
    superseded: frameCounters.superseded,
    timings: [...timings],
  };
}
