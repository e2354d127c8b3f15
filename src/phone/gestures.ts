/**
 * The two touch gestures of the phone layout as pure arithmetic: a sideways swipe on the grid
 * steps through the layers, a pinch in the channel detail zooms it. The hooks that listen to
 * pointers (useSwipeLayers.ts, usePinchZoom.ts) only feed these.
 */

/** Shorter strokes are taps or a thumb resting; 60 px is about a third of a phone's width. */
export const SWIPE_MIN_PX = 60;

/**
 * The layer step of a stroke that moved (dx, dy) px: mostly sideways (at least twice as far
 * across as down) and long enough, else 0 (a scroll or a tap). Leftward is the next layer,
 * as a page is turned.
 */
export function swipeStep(dx: number, dy: number, minPx = SWIPE_MIN_PX): -1 | 0 | 1 {
  if (Math.abs(dx) < minPx || Math.abs(dx) < 2 * Math.abs(dy)) return 0;
  return dx < 0 ? 1 : -1;
}

export const MIN_ZOOM = 1;
export const MAX_ZOOM = 8;

/** The zoom after two fingers that began `startDistance` apart at `startZoom` are now `distance` apart, within [MIN_ZOOM, MAX_ZOOM]. */
export function pinchZoom(startZoom: number, startDistance: number, distance: number): number {
  if (!(startDistance > 0) || !(distance > 0)) return startZoom;
  return Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, (startZoom * distance) / startDistance));
}
