/**
 * The worker's waiting-line policy for photos and camera frames: the worker runs one
 * request at a time (one in flight), and of the requests still waiting, at most one per
 * lane (a photo slot): a newer request replaces the one waiting in its lane. Ten photos
 * dropped within a second run one or two, not ten; a photo chosen while a camera frame
 * waits replaces it. (The page also holds camera frames back itself, sending one only
 * when the last is answered: src/camera/latestFrame.ts.) Requests without a lane (model
 * loads) always wait their turn.
 */
export type Lane<T> = (request: T) => string | null;

/**
 * Adds `incoming` to `waiting` (in place) after removing the requests of its lane that
 * are still waiting; returns the removed ones, oldest first, for the caller to answer
 * (and, for frames, to close).
 */
export function enqueueLatest<T>(waiting: T[], incoming: T, lane: Lane<T>): T[] {
  const key = lane(incoming);
  const removed: T[] = [];
  if (key !== null) {
    for (let i = 0; i < waiting.length; ) {
      if (lane(waiting[i]!) === key) removed.push(...waiting.splice(i, 1));
      else i++;
    }
  }
  waiting.push(incoming);
  return removed;
}
