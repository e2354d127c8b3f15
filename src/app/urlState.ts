/**
 * The address bar's parameters, read and written as pure functions (src/app/addressBar.ts
 * is the one module that touches the address bar). The shareable part of the view: decoding
 * validates every value and drops what it does not recognise, so a hand-edited or stale link
 * still opens the app; a layer name is checked against the model later, when it has loaded.
 * What start-up reads (backend, model) is decoded by decodeStartup.
 */
import { isColormapId, type ColormapId } from '../render/colormaps';
import { NORMALISATION_MODES, type NormalisationMode } from '../render/normalise';
import { isSortKey } from '../render/channelOrder';
import type { ChannelSortKey } from '../render/stats';
import { MAIN_VIEWS, type MainView } from '../store/teachingSlice';
import type { BackendChoice } from '../worker/protocol';
import { SAMPLES } from './samples';

export interface UrlViewState {
  layer?: string;
  first?: number;
  count?: number;
  channel?: number;
  norm?: NormalisationMode;
  cmap?: ColormapId;
  sample?: string;
  compare?: string;
  view?: MainView;
  sort?: ChannelSortKey;
  /** The explained position of the selected channel, "ROW,COL" (issue 27). */
  at?: string;
}

/** Parameters this module owns; everything else in the query (e.g. ?backend=) is left alone. */
const KEYS = ['layer', 'first', 'count', 'channel', 'norm', 'cmap', 'sample', 'compare', 'view', 'sort', 'at'] as const;

function nonNegativeInt(v: string | null, max = 1_000_000): number | undefined {
  if (v === null || !/^\d{1,7}$/.test(v)) return undefined;
  const n = Number(v);
  return n <= max ? n : undefined;
}

const isSample = (id: string | null): id is string => id !== null && SAMPLES.some((s) => s.id === id);

export function decodeViewState(search: string): UrlViewState {
  const p = new URLSearchParams(search);
  const out: UrlViewState = {};
  const layer = p.get('layer');
  if (layer && /^[\w.:/-]{1,200}$/.test(layer)) out.layer = layer;
  const first = nonNegativeInt(p.get('first'));
  if (first !== undefined) out.first = first;
  const count = nonNegativeInt(p.get('count'));
  if (count !== undefined && count > 0) out.count = count;
  const channel = nonNegativeInt(p.get('channel'));
  if (channel !== undefined) out.channel = channel;
  const norm = p.get('norm');
  if (norm && NORMALISATION_MODES.some((m) => m.id === norm)) out.norm = norm as NormalisationMode;
  const cmap = p.get('cmap');
  if (cmap && isColormapId(cmap)) out.cmap = cmap;
  const sample = p.get('sample');
  if (isSample(sample)) out.sample = sample;
  const compare = p.get('compare');
  if (isSample(compare)) out.compare = compare;
  const view = p.get('view');
  if (view && (MAIN_VIEWS as readonly string[]).includes(view)) out.view = view as MainView;
  const sort = p.get('sort');
  if (sort && isSortKey(sort)) out.sort = sort;
  const at = p.get('at');
  if (at && /^\d{1,4},\d{1,4}$/.test(at)) out.at = at;
  return out;
}

/** The query string for `state`, keeping unrelated parameters of `currentSearch` (such as ?backend=). */
export function encodeViewState(state: UrlViewState, currentSearch = ''): string {
  const p = new URLSearchParams(currentSearch);
  for (const k of KEYS) p.delete(k);
  for (const k of KEYS) {
    const v = state[k];
    if (v !== undefined) p.set(k, String(v));
  }
  const s = p.toString();
  return s ? `?${s}` : '';
}

/** What a link asks of start-up; read once, before the first model loads. */
export interface StartupRequest {
  /** ?backend=wasm|webgpu forces a backend; anything else lets the app choose. */
  backend: BackendChoice;
  /** ?modelId=<id>: a bundled model from the index (the benchmark uses it). */
  modelId: string | null;
  /** ?model=hf:owner/name[@rev][:variant] (a Hugging Face model) or ?model=<url> (a foreign ONNX model, made absolute). */
  model: { kind: 'hub'; link: string } | { kind: 'url'; url: string } | null;
}

export function decodeStartup(search: string, base: string): StartupRequest {
  const p = new URLSearchParams(search);
  const b = p.get('backend');
  const raw = p.get('model');
  let model: StartupRequest['model'] = null;
  if (raw?.startsWith('hf:')) model = { kind: 'hub', link: raw };
  else if (raw) {
    try {
      model = { kind: 'url', url: new URL(raw, base).href };
    } catch {
      model = null;
    }
  }
  return { backend: b === 'wasm' || b === 'webgpu' ? b : 'auto', modelId: p.get('modelId'), model };
}

/** The query string with ?model= saying which foreign model is loaded (null: a bundled one, or dropped files: none). */
export function withModelLink(currentSearch: string, link: string | null): string {
  const p = new URLSearchParams(currentSearch);
  if (link) p.set('model', link);
  else p.delete('model');
  const s = p.toString();
  return s ? `?${s}` : '';
}
