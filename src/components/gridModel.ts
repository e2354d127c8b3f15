/**
 * What the channel grid shows, derived from the store: the current layer as a map,
 * its statistics (computed once per tensor, on first use), and the channels in display order. Shared by the
 * grid, the exports, the compare view and the keyboard, so they always agree.
 */
import { useMemo } from 'react';
import { displayedChannels, STRONGEST_COUNT } from '../render/channelOrder';
import { strongestChannels, type ChannelStats } from '../render/stats';
import { tensorDims, type LayerTensor } from '../render/types';
import { formatTickValue } from '../render/legend';
import { useAppStore, selectCurrentTensor, type AppState } from '../store/store';
import { asMap, layerStats } from '../render/layerData';

export interface GridModel {
  tensor: LayerTensor;
  dims: { channels: number; height: number; width: number };
  stats: ChannelStats;
  channels: number[];
  first: number;
  count: number;
  /** Channels left after hiding dead ones. */
  total: number;
  dead: number;
}

export function gridModelOf(raw: LayerTensor | null, s: Pick<AppState, 'sortKey' | 'hideDead' | 'firstChannel' | 'channelCount' | 'view'>): GridModel | null {
  if (!raw) return null;
  const tensor = asMap(raw);
  const dims = tensorDims(tensor);
  const stats = layerStats(tensor);
  const shown = displayedChannels(stats, s.sortKey, s.hideDead, s.firstChannel, s.channelCount);
  const dead = dims.channels - displayedChannels(stats, 'index', true, 0, dims.channels).total;
  const channels = s.view === 'strongest' ? Array.from(strongestChannels(stats, STRONGEST_COUNT)) : shown.channels;
  return { tensor, dims, stats, channels, first: shown.window.first, count: shown.window.count, total: shown.total, dead };
}

export function useGridModel(): GridModel | null {
  const raw = useAppStore(selectCurrentTensor);
  const sortKey = useAppStore((s) => s.sortKey);
  const hideDead = useAppStore((s) => s.hideDead);
  const firstChannel = useAppStore((s) => s.firstChannel);
  const channelCount = useAppStore((s) => s.channelCount);
  const view = useAppStore((s) => s.view);
  return useMemo(
    () => gridModelOf(raw, { sortKey, hideDead, firstChannel, channelCount, view }),
    [raw, sortKey, hideDead, firstChannel, channelCount, view],
  );
}

/** Text alternative of a tile: what a sighted student reads off it. */
export function tileDescription(stats: ChannelStats, c: number): string {
  return `min ${formatTickValue(stats.min[c]!)}, max ${formatTickValue(stats.max[c]!)}, mean ${formatTickValue(stats.mean[c]!)}, ${Math.round(stats.fracPositive[c]! * 100)}% positive`;
}
