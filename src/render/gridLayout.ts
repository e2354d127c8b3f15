/** A contiguous run of channels shown in the grid. `last` is inclusive; an empty layer gives count 0, last -1. */
export interface ChannelWindow {
  first: number;
  count: number;
  last: number;
}

/** Most tiles painted at once: enough to scan a stage, few enough to repaint within a frame. */
export const MAX_DEFAULT_CHANNELS = 128;

function toInt(v: number, fallback: number): number {
  return Number.isFinite(v) ? Math.floor(v) : fallback;
}

/**
 * Clamps a requested window to the layer, so switching to a layer with fewer
 * channels (e.g. 384 → 96) keeps a valid view instead of an empty grid:
 * first ∈ [0, total-1], count ∈ [1, total-first].
 */
export function channelWindow(total: number, first: number, count: number): ChannelWindow {
  const t = Math.max(0, toInt(total, 0));
  if (t === 0) return { first: 0, count: 0, last: -1 };
  const f = Math.max(0, Math.min(t - 1, toInt(first, 0)));
  const n = Math.max(1, Math.min(t - f, toInt(count, 1)));
  return { first: f, count: n, last: f + n - 1 };
}

/** "channels 0-127 of 384", or "channel 5 of 384" for a single tile. */
export function windowLabel(w: ChannelWindow, total: number): string {
  if (w.count <= 0) return `no channels of ${total}`;
  if (w.count === 1) return `channel ${w.first} of ${total}`;
  return `channels ${w.first}-${w.last} of ${total}`;
}

/** Columns that fit, counting a gap only between tiles; never 0 so a narrow container still shows a column. */
export function gridColumns(containerWidth: number, tileSize: number, gap: number): number {
  const g = Math.max(0, Number.isFinite(gap) ? gap : 0);
  const step = tileSize + g;
  if (!(step > 0) || !Number.isFinite(containerWidth)) return 1;
  return Math.max(1, Math.floor((containerWidth + g) / step));
}

export function defaultChannelCount(total: number): number {
  return Math.max(0, Math.min(MAX_DEFAULT_CHANNELS, Math.floor(total)));
}
