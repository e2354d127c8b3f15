/**
 * Keeps the shareable view state in the address bar: applies the link's state once the
 * model has loaded (layer names are only known then), then mirrors every change with
 * history.replaceState, so moving a slider never floods the back button.
 */
import { clampWindow } from '../store/actions';
import { useAppStore, type AppState } from '../store/store';
import { runSample, sampleById } from './runSample';
import { decodeViewState, encodeViewState, type UrlViewState } from './urlState';
import { isMapTap } from '../model/taps';

export function viewStateOf(s: AppState): UrlViewState {
  const state: UrlViewState = {
    layer: s.selectedTap ?? undefined,
    first: s.firstChannel,
    count: s.channelCount,
    norm: s.normalisation,
    cmap: s.colormap,
    view: s.view,
  };
  if (s.selectedChannel !== null) state.channel = s.selectedChannel;
  if (s.sortKey !== 'index') state.sort = s.sortKey;
  // An own photo cannot travel in a link; only a bundled sample's id can.
  const sample = s.activations ? s.activations.sampleId : s.lastPhotoSampleId;
  if (sample) state.sample = sample;
  const compare = s.compare ? s.compare.sampleId : (s.lastComparePhoto?.sampleId ?? null);
  if (compare) state.compare = compare;
  return state;
}

/** Applies a decoded link to the store; values that do not fit the loaded model are ignored. */
export function applyViewState(state: UrlViewState): void {
  const s = useAppStore.getState();
  const manifest = s.model?.manifest;
  if (!manifest) return;
  const patch: Partial<AppState> = {};
  const tap = state.layer ? manifest.taps.find((t) => t.name === state.layer && isMapTap(t)) : undefined;
  if (tap) patch.selectedTap = tap.name;
  const layer = tap ?? manifest.taps.find((t) => t.name === s.selectedTap);
  const channels = layer?.shape[0] ?? 0;
  if (state.first !== undefined) patch.firstChannel = state.first;
  if (state.count !== undefined) patch.channelCount = state.count;
  if (state.channel !== undefined && state.channel < channels) patch.selectedChannel = state.channel;
  if (state.norm) patch.normalisation = state.norm;
  if (state.cmap) patch.colormap = state.cmap;
  if (state.view) patch.view = state.view;
  if (state.sort) patch.sortKey = state.sort;
  useAppStore.setState(patch);
  clampWindow();
  const sample = state.sample ? sampleById(state.sample) : undefined;
  if (sample && !s.lastPhoto) void runSample(sample, 'main');
  const compare = state.compare ? sampleById(state.compare) : undefined;
  if (compare && !s.lastComparePhoto) void runSample(compare, 'compare');
}

/** Starts the two-way link: call once at start-up. Returns a function that stops it. */
export function startUrlSync(): () => void {
  let applied = false;
  let lastSearch = '';
  const write = (s: AppState) => {
    const search = encodeViewState(viewStateOf(s), location.search);
    if (search === lastSearch) return;
    lastSearch = search;
    history.replaceState(history.state, '', `${location.pathname}${search}${location.hash}`);
  };
  const unsubscribe = useAppStore.subscribe((s) => {
    if (!applied) {
      if (!s.model) return;
      applied = true; // before applying: applying changes the store and calls back here
      applyViewState(decodeViewState(location.search));
    }
    write(useAppStore.getState());
  });
  return unsubscribe;
}
