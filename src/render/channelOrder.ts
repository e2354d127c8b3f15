import { channelWindow, type ChannelWindow } from './gridLayout';
import { sortChannels, strongestChannels, type ChannelSortKey, type ChannelStats } from './stats';

export const SORT_KEYS: readonly { id: ChannelSortKey; label: string }[] = [
  { id: 'index', label: 'Channel number' },
  { id: 'mean', label: 'Mean (highest first)' },
  { id: 'max', label: 'Maximum (highest first)' },
  { id: 'active', label: 'Share active (highest first)' },
];

/** How many tiles the strongest-channels view shows. */
export const STRONGEST_COUNT = 16;

export function isSortKey(v: string): v is ChannelSortKey {
  return SORT_KEYS.some((k) => k.id === v);
}

/**
 * The channels the grid shows, in display order: all channels sorted (dead ones
 * dropped when asked), then the window of positions [first, first+count) of that
 * order. With index order and nothing hidden this is simply first..first+count-1.
 */
export function displayedChannels(
  stats: ChannelStats,
  key: ChannelSortKey,
  hideDead: boolean,
  first: number,
  count: number,
): { channels: number[]; window: ChannelWindow; total: number } {
  const order = sortChannels(stats, key, hideDead);
  const window = channelWindow(order.length, first, count);
  return { channels: Array.from(order.subarray(window.first, window.first + window.count)), window, total: order.length };
}

/** Every channel in the order the grid shows them (not only the window): the strongest few, or all sorted. */
export function displayOrder(stats: ChannelStats, strongest: boolean, key: ChannelSortKey, hideDead: boolean): number[] {
  return Array.from(strongest ? strongestChannels(stats, STRONGEST_COUNT) : sortChannels(stats, key, hideDead));
}
