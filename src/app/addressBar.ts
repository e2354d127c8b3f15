/**
 * The one module that writes the address bar. It applies a link's view state once the
 * first model has loaded (layer names are only known then), then mirrors the store with
 * history.replaceState, so moving a slider never floods the back button: the view
 * (urlState.ts) and `?model=`, which names the foreign model loaded (a URL or an hf: link)
 * so that a reload loads it again; a bundled model or dropped files leave it out.
 * Other parameters (?backend=, ?modelId=, ?debug) are left as they are.
 */
import { isMapTap } from '../model/taps';
import { runSample, sampleById } from '../store/photoActions';
import { useAppStore, type AppState } from '../store/store';
import { clampWindow } from '../store/viewActions';
import { decodeViewState, encodeViewState, withModelLink, type UrlViewState } from './urlState';

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
  // The explained position, while it lies inside the current layer's map (another layer may be smaller).
  const shape = s.model?.manifest.taps.find((t) => t.name === s.selectedTap)?.shape ?? [];
  const at = s.selectedPosition;
  if (s.selectedChannel !== null && at && at.row < (shape[1] ?? 1) && at.col < (shape[2] ?? 1)) state.at = `${at.row},${at.col}`;
  if (s.sortKey !== 'index') state.sort = s.sortKey;
  // An own photo cannot travel in a link; only a bundled sample's id can.
  const sample = s.activations ? s.activations.sampleId : (s.photos.main?.sampleId ?? null);
  if (sample) state.sample = sample;
  const compare = s.compare ? s.compare.sampleId : (s.photos.compare?.sampleId ?? null);
  if (compare) state.compare = compare;
  return state;
}

/** The address bar's query for this state, keeping parameters it does not own. */
export function searchOf(s: AppState, currentSearch: string): string {
  return withModelLink(encodeViewState(viewStateOf(s), currentSearch), s.model?.link ?? null);
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
  // ?at=ROW,COL opens the channel's detail at that position, when it lies inside the layer's map.
  const [row, col] = (state.at ?? '').split(',').map(Number) as [number, number];
  if (patch.selectedChannel !== undefined && state.at && layer && row < (layer.shape[1] ?? 1) && col < (layer.shape[2] ?? 1)) {
    patch.selectedPosition = { row, col };
    patch.detailOpen = true;
  }
  if (state.norm) patch.normalisation = state.norm;
  if (state.cmap) patch.colormap = state.cmap;
  if (state.view) patch.view = state.view;
  if (state.sort) patch.sortKey = state.sort;
  useAppStore.setState(patch);
  clampWindow();
  const sample = state.sample ? sampleById(state.sample) : undefined;
  if (sample && !s.photos.main) void runSample(sample, 'main');
  const compare = state.compare ? sampleById(state.compare) : undefined;
  if (compare && !s.photos.compare) void runSample(compare, 'compare');
}

/** Starts the two-way link: call once at start-up. Returns a function that stops it. */
export function startAddressBar(): () => void {
  let applied = false;
  let lastSearch = '';
  const write = (s: AppState) => {
    const search = searchOf(s, location.search);
    if (search === lastSearch) return;
    lastSearch = search;
    if (search !== location.search) history.replaceState(history.state, '', `${location.pathname}${search}${location.hash}`);
  };
  return useAppStore.subscribe((s) => {
    if (!applied) {
      // Nothing is written before the first model: the link's ?model= is still being loaded.
      if (!s.model) return;
      applied = true; // before applying: applying changes the store and calls back here
      applyViewState(decodeViewState(location.search));
    }
    write(useAppStore.getState());
  });
}
