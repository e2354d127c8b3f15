/**
 * The app's async work: load the model index and a model, run photos, recover a
 * crashed worker. Every failure becomes a message in the store; the last good
 * model and result stay usable.
 */
import { parseManifest, ManifestError } from '../model/manifestValidate';
import { defaultTap, isMapTap } from '../model/taps';
import type { Manifest } from '../model/manifest';
import { softmax, topK } from '../render/predictions';
import type { LayerTensor } from '../render/types';
import { defaultChannelCount } from '../render/gridLayout';
import { photoNotes } from '../app/photoNotes';
import { InferenceClient, InferenceError } from '../worker/client';
import type { BackendChoice, RunResult, RunSlot } from '../worker/protocol';
import { useAppStore } from './store';
import type { Activations, ModelEntry } from './types';
import { loadForeignModel, modelUrlFromSearch } from './byoActions';
import { loadHubLinkValue } from './hubActions';

let client: InferenceClient | null = null;
/** Newest run per slot: a newer photo supersedes only the older run of its own slot. */
const latestRunId: Record<RunSlot, number> = { main: 0, compare: 0 };
let runIds = 0;
let modelLoadId = 0;
/** A photo whose run the worker's death cut short; recoverFromCrash runs it again. */
let interruptedPhoto: Blob | null = null;

function getClient(): InferenceClient {
  if (!client) {
    client = new InferenceClient();
    client.onRestart = (reason) => void recoverFromCrash(reason);
  }
  return client;
}

/** A new id for a result shown in the views (camera frames take theirs here too). */
export function claimRunId(): number {
  return ++runIds;
}

/** Starts a model load; a later one makes this one stale (its result is dropped). */
export function beginModelLoad(): number {
  return ++modelLoadId;
}
export function isCurrentModelLoad(loadId: number): boolean {
  return loadId === modelLoadId;
}

/** For tests and the debugging hook: the live client. */
export function inferenceClient(): InferenceClient {
  return getClient();
}

function absoluteUrl(path: string, base: string = document.baseURI): string {
  return new URL(path, base).href;
}

export function backendFromUrl(search: string): BackendChoice {
  const b = new URLSearchParams(search).get('backend');
  return b === 'wasm' || b === 'webgpu' ? b : 'auto';
}

async function fetchJson(url: string, what: string): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(url);
  } catch (e) {
    throw new Error(`Could not fetch the ${what} (${url}): ${e instanceof Error ? e.message : String(e)}`);
  }
  if (!response.ok) throw new Error(`Could not fetch the ${what}: ${url} answered ${response.status}`);
  try {
    return await response.json();
  } catch {
    throw new Error(`The ${what} at ${url} is not valid JSON.`);
  }
}

const INDEX_URL = 'models/index.json';

export async function initApp(search: string = location.search): Promise<void> {
  const backendChoice = backendFromUrl(search);
  useAppStore.setState({ backendChoice });
  let entries: ModelEntry[];
  let defaultId: string | undefined;
  try {
    const index = (await fetchJson(absoluteUrl(INDEX_URL), 'model index')) as { models?: ModelEntry[]; default?: string };
    entries = Array.isArray(index.models) ? index.models : [];
    defaultId = index.default;
  } catch (e) {
    useAppStore.setState({ status: 'error', modelError: e instanceof Error ? e.message : String(e) });
    return;
  }
  useAppStore.setState({ models: entries });
  // ?modelId=<id> picks a bundled model from the index (the benchmark uses it).
  const wanted = new URLSearchParams(search).get('modelId');
  const entry = entries.find((m) => m.id === wanted) ?? entries.find((m) => m.id === defaultId) ?? entries[0];
  // ?model=<url>: a foreign ONNX model; if it cannot be loaded the default model is, and the error stays shown.
  const foreignUrl = modelUrlFromSearch(search);
  // ?model=hf:owner/name[:variant]: a Hugging Face model (from Cache Storage when it was loaded before).
  const hubValue = new URLSearchParams(search).get('model');
  if (hubValue?.startsWith('hf:')) {
    await loadHubLinkValue(hubValue);
    if (useAppStore.getState().model) return;
  } else if (foreignUrl) {
    await loadForeignModel({ kind: 'url', url: foreignUrl, cache: true });
    if (useAppStore.getState().model) return;
  }
  if (!entry) {
    useAppStore.setState({ status: 'error', modelError: 'The model index lists no models.' });
    return;
  }
  const foreignError = useAppStore.getState().modelError;
  await loadModel(bundledManifestUrl(entry));
  if (foreignError) useAppStore.setState({ modelError: foreignError });
}

/** Absolute manifest URL of a model listed in public/models/index.json. */
export function bundledManifestUrl(entry: ModelEntry): string {
  return absoluteUrl(entry.manifest, absoluteUrl(INDEX_URL));
}

/** Loads the manifest at manifestUrl and its model; on failure the previous model stays. */
export async function loadModel(manifestUrl: string): Promise<void> {
  const loadId = beginModelLoad();
  const previous = useAppStore.getState();
  useAppStore.setState({ status: 'loading-model', loadProgress: null, modelError: null });
  const restore = () => useAppStore.setState({ status: previous.model ? 'ready' : 'error', loadProgress: null });
  let manifest: Manifest;
  try {
    manifest = parseManifest(await fetchJson(manifestUrl, 'model manifest'));
  } catch (e) {
    const message = e instanceof ManifestError ? `This model's manifest is invalid: ${e.message}` : e instanceof Error ? e.message : String(e);
    useAppStore.setState({ modelError: message });
    restore();
    return;
  }
  const modelUrl = absoluteUrl(manifest.file.name, manifestUrl);
  try {
    const loaded = await getClient().loadModel(modelUrl, manifest, useAppStore.getState().backendChoice, (p) => {
      if (loadId === modelLoadId) useAppStore.setState({ loadProgress: p });
    });
    if (loadId !== modelLoadId) return;
    const state = useAppStore.getState();
    const keepTap = state.selectedTap && manifest.taps.some((t) => t.name === state.selectedTap && isMapTap(t));
    useAppStore.setState({
      status: 'ready',
      loadProgress: null,
      model: { manifest, manifestUrl, modelUrl, backend: loaded.backend, compileMs: loaded.compileMs },
      selectedTap: keepTap ? state.selectedTap : defaultTap(manifest).name,
      activations: state.model?.manifest.id === manifest.id ? state.activations : null,
      compare: state.model?.manifest.id === manifest.id ? state.compare : null,
    });
    const after = useAppStore.getState();
    const second = after.lastComparePhoto;
    if (second && !after.compare) void runComparePhoto(second.blob, second.name, second.sampleId);
    const photo = after.lastPhoto;
    if (photo && !after.activations) await runPhoto(photo.blob, photo.name, null, after.lastPhotoSampleId);
  } catch (e) {
    if (loadId !== modelLoadId) return;
    useAppStore.setState({ modelError: e instanceof Error ? e.message : String(e) });
    restore();
  }
}

/** Also used for camera frames (src/camera/cameraController.ts). */
export function toActivations(runId: number, name: string, sampleId: string | null, manifest: Manifest, result: RunResult, totalMs: number): Activations {
  const tensors = new Map<string, LayerTensor>();
  for (const out of result.taps) {
    const tap = manifest.taps.find((t) => t.name === out.name);
    tensors.set(out.name, { name: out.name, shape: tap ? tap.shape : out.dims.slice(1), data: out.data });
  }
  const logitsTap = manifest.taps.find((t) => t.kind === 'logits');
  const logits = logitsTap ? tensors.get(logitsTap.name) : undefined;
  return {
    runId,
    photoName: name,
    sampleId,
    tensors,
    crop: result.crop,
    source: result.source,
    top5: logits ? topK(softmax(logits.data), manifest.labels, 5) : [],
    decodeMs: result.decodeMs,
    preprocessMs: result.preprocessMs,
    inferenceMs: result.inferenceMs,
    totalMs,
  };
}

/** Runs one photo; a newer call supersedes this one, whose result is then dropped. */
export async function runPhoto(blob: Blob, name: string, notice: string | null = null, sampleId: string | null = null): Promise<void> {
  const runId = (latestRunId.main = ++runIds);
  useAppStore.setState({ lastPhoto: { blob, name }, lastPhotoSampleId: sampleId, photoNotice: notice });
  if (blob.size === 0) {
    useAppStore.setState({ photoError: `"${name}" is empty (0 bytes): nothing to show.` });
    return;
  }
  const state = useAppStore.getState();
  if (!state.model) return; // runs once the model has loaded (loadModel picks up lastPhoto)
  const started = performance.now();
  useAppStore.setState({ status: 'running', runProgress: null });
  try {
    const result = await getClient().run(blob, (p) => {
      if (runId === latestRunId.main) useAppStore.setState({ runProgress: p });
    });
    if (runId !== latestRunId.main) return;
    const manifest = useAppStore.getState().model!.manifest;
    const activations = toActivations(runId, name, sampleId, manifest, result, performance.now() - started);
    const model = useAppStore.getState().model;
    const notes = [notice, ...photoNotes(result.source, result.decoded, manifest.input.resizeSize)].filter((n) => n !== null);
    useAppStore.setState({
      status: 'ready',
      runProgress: null,
      activations,
      // A photo that worked answers every earlier error: the last good model is in use.
      photoError: null,
      modelError: null,
      photoNotice: notes.length > 0 ? notes.join(' ') : null,
      model: model ? { ...model, backend: result.backend } : model,
    });
    clampWindow();
  } catch (e) {
    if (e instanceof InferenceError && e.code === 'superseded') return;
    if (runId !== latestRunId.main) return;
    if (e instanceof InferenceError && e.code === 'worker-crashed') interruptedPhoto = blob;
    const reason = e instanceof Error ? e.message : String(e);
    useAppStore.setState({
      status: useAppStore.getState().model ? 'ready' : 'error',
      runProgress: null,
      photoError: `Could not process "${name}": ${reason}`,
    });
  }
}

/**
 * Runs the second photo of a comparison into the 'compare' slot. It never supersedes
 * (and is never superseded by) the main photo's run; a newer second photo does.
 */
export async function runComparePhoto(blob: Blob, name: string, sampleId: string | null = null): Promise<void> {
  const runId = (latestRunId.compare = ++runIds);
  useAppStore.setState({ lastComparePhoto: { blob, name, sampleId } });
  if (blob.size === 0) {
    useAppStore.setState({ photoError: `"${name}" is empty (0 bytes): nothing to compare.` });
    return;
  }
  if (!useAppStore.getState().model) return; // loadModel picks up lastComparePhoto
  const started = performance.now();
  useAppStore.setState({ compareProgress: { stage: 'decode', loaded: 0, total: null } });
  try {
    const result = await getClient().run(
      blob,
      (p) => {
        if (runId === latestRunId.compare) useAppStore.setState({ compareProgress: p });
      },
      undefined,
      'compare',
    );
    if (runId !== latestRunId.compare) return;
    const manifest = useAppStore.getState().model!.manifest;
    useAppStore.setState({ compare: toActivations(runId, name, sampleId, manifest, result, performance.now() - started), compareProgress: null });
  } catch (e) {
    if (e instanceof InferenceError && e.code === 'superseded') return;
    if (runId !== latestRunId.compare) return;
    useAppStore.setState({ compareProgress: null, photoError: `Could not process the second photo "${name}": ${e instanceof Error ? e.message : String(e)}` });
  }
}

/** Keeps the channel window inside the current layer after a layer or model change. */
export function clampWindow(): void {
  const s = useAppStore.getState();
  const tap = s.model?.manifest.taps.find((t) => t.name === s.selectedTap);
  if (!tap || tap.shape.length !== 3) return;
  const total = tap.shape[0]!;
  const first = Math.min(s.firstChannel, total - 1);
  const count = Math.max(1, Math.min(s.channelCount, total - first));
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

async function recoverFromCrash(reason: string): Promise<void> {
  const s = useAppStore.getState();
  useAppStore.setState({ photoError: `${/[.!?]$/.test(reason) ? reason : `${reason}.`} Reloading the model…` });
  if (s.model) {
    await (s.model.source ? loadForeignModel(s.model.source, { ...s.model.reload, keepLabels: s.model.manifest.labels }) : loadModel(s.model.manifestUrl));
    const after = useAppStore.getState();
    if (after.modelError) return;
    useAppStore.setState({ photoError: null });
    // A photo dropped while the worker died must not be lost: run it on the new worker.
    const photo = after.lastPhoto;
    if (photo && photo.blob === interruptedPhoto && after.status === 'ready') await runPhoto(photo.blob, photo.name, null, after.lastPhotoSampleId);
    interruptedPhoto = null;
  }
}
