/**
 * What the view shows: the layer, the channel window, the selected channel, presenter
 * mode. Small synchronous actions that read the store when called, so components that
 * only trigger them never re-render for it.
 */
import { displayOrder } from '../render/channelOrder';
import { channelWindow, defaultChannelCount } from '../render/gridLayout';
import { asMap, layerStats } from '../render/layerData';
import { useAppStore, selectCurrentTensor } from './store';

/** Keeps the channel window inside the current layer (after a layer, model or link change). */
export function clampWindow(): void {
  const s = useAppStore.getState();
  const tap = s.model?.manifest.taps.find((t) => t.name === s.selectedTap);
  if (!tap || tap.shape.length !== 3) return;
  const { first, count } = channelWindow(tap.shape[0]!, s.firstChannel, s.channelCount);
  if (first !== s.firstChannel || count !== s.channelCount) useAppStore.setState({ firstChannel: first, channelCount: count });
}

/** Chooses a layer and, when its size differs, resets the window to the tutorial's default. */
export function selectLayer(name: string): void {
  const s = useAppStore.getState();
  const tap = s.model?.manifest.taps.find((t) => t.name === name);
  if (!tap) return;
  const total = tap.shape[0] ?? 1;
  const current = s.model?.manifest.taps.find((t) => t.name === s.selectedTap);
  if (!current || current.shape[0] !== total) {
    useAppStore.setState({ selectedTap: name, firstChannel: 0, channelCount: defaultChannelCount(total) });
  } else {
    useAppStore.setState({ selectedTap: name });
  }
  clampWindow();
}

/** Selects a channel and opens the detail view on it. */
export function openChannel(channel: number): void {
  useAppStore.setState({ selectedChannel: channel, detailOpen: true });
}

/** Steps the selected channel through the grid's order, sliding the window to keep it in view. */
export function moveChannel(delta: number): void {
  const s = useAppStore.getState();
  const raw = selectCurrentTensor(s);
  const order = raw ? displayOrder(layerStats(asMap(raw)), s.view === 'strongest', s.sortKey, s.hideDead) : [];
  if (order.length === 0) return;
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
