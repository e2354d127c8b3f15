/**
 * Spacing of the page's downloads. Chromium silently drops an `<a download>` click that comes
 * too soon after ten others from the same page: measured in Debian's Chromium, ten layer
 * downloads within 0.63 s arrived and the eleventh never did (no error, no event), while 30 in a
 * row 100 ms apart all arrived (README, "The download that hung"). Starting each download at
 * least DOWNLOAD_GAP_MS after the previous one keeps a burst of clicks under that limit.
 */

/** At most five downloads a second: half of what Chromium was measured to let through. */
export const DOWNLOAD_GAP_MS = 200;

export interface DownloadSlot {
  /** How long to wait before starting this download (0: start it now, inside the click). */
  delayMs: number;
  /** The earliest time the next download may start. */
  nextFreeAt: number;
}

/** When a download asked for at `now` may start, given the earliest free time left by the previous one. */
export function nextDownloadSlot(freeAt: number, now: number, gapMs: number = DOWNLOAD_GAP_MS): DownloadSlot {
  const startAt = Math.max(now, freeAt);
  return { delayMs: startAt - now, nextFreeAt: startAt + gapMs };
}
