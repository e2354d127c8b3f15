/**
 * Small store actions behind the teaching tools (keyboard, tiles, presenter). They read
 * the store when called, so components that only trigger them never re-render for it.
 */
import { selectLayer } from '../store/actions';
import { useAppStore, selectCurrentTensor } from '../store/store';
import { sortChannels, strongestChannels } from '../render/stats';
import { asMap, layerStats } from './layerData';
import { STRONGEST_COUNT } from './gridModel';

/** Selects a channel and opens the detail view on it. */
export function openChannel(channel: number): void {
  useAppStore.setState({ selectedChannel: channel, detailOpen: true });
}

/** Channels in the order the grid shows them (all of them, not only the window). */
function displayOrder(): number[] {
  const s = useAppStore.getState();
  const raw = selectCurrentTensor(s);
  if (!raw) return [];
  const stats = layerStats(asMap(raw));
  if (s.view === 'strongest') return Array.from(strongestChannels(stats, STRONGEST_COUNT));
  return Array.from(sortChannels(stats, s.sortKey, s.hideDead));
}

/** Steps the selected channel through the grid's order, sliding the window to keep it in view. */
export function moveChannel(delta: number): void {
  const order = displayOrder();
  if (order.length === 0) return;
  const s = useAppStore.getState();
  const at = s.selectedChannel === null ? -1 : order.indexOf(s.selectedChannel);
  const position = at < 0 ? Math.min(Math.max(0, s.firstChannel), order.length - 1) : Math.max(0, Math.min(order.length - 1, at + delta));
  const patch: { selectedChannel: number; firstChannel?: number } = { selectedChannel: order[position]! };
  if (s.view !== 'strongest') {
    if (position < s.firstChannel) patch.firstChannel = position;
    else if (position >= s.firstChannel + s.channelCount) patch.firstChannel = position - s.channelCount + 1;
  }
  useAppStore.setState(patch);
}

/** Moves to the previous (-1) or next (+1) layer of the manifest, keeping the channel when it exists there. */
export function moveLayer(delta: number): void {
  const s = useAppStore.getState();
  const taps = s.model?.manifest.taps ?? [];
  const i = taps.findIndex((t) => t.name === s.selectedTap);
  const next = taps[Math.max(0, Math.min(taps.length - 1, i + delta))];
  if (!next || next.name === s.selectedTap) return;
  selectLayer(next.name);
  const channels = next.shape[0] ?? 0;
  if (s.selectedChannel !== null && s.selectedChannel >= channels) useAppStore.setState({ selectedChannel: null });
}

export function togglePresenter(): void {
  const on = !useAppStore.getState().presenter;
  useAppStore.setState({ presenter: on });
  // Full screen where the browser allows it; the presenter layout works without it too.
  if (on && !document.fullscreenElement) document.documentElement.requestFullscreen?.().catch(() => undefined);
  if (!on && document.fullscreenElement) document.exitFullscreen?.().catch(() => undefined);
}
