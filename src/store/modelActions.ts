/**
 * Loading models: a bundled one (manifest + ONNX file), a foreign ONNX file or URL (the
 * worker derives its manifest), a Hugging Face repo (hubActions.ts, which ends here), and
 * the worker's restart. Every load ends in commitModel, the one step that makes a model
 * the app's model. Every failure becomes a message in the store; the previous model stays.
 */
import { errorText } from '../app/errorText';
import { isImageFile } from '../app/files';
import { clearCachedModels, listCachedModels } from '../app/modelCache';
import { inputFromRepo, parseLabelsText, type InputChoice } from '../model/deriveManifest';
import type { Manifest } from '../model/manifest';
import { parseManifest, ManifestError } from '../model/manifestValidate';
import { defaultTap, isMapTap } from '../model/taps';
import { defaultChannelCount } from '../render/gridLayout';
import { InferenceError, type Progress } from '../worker/client';
import type { CheckpointBuild, ModelSource } from '../worker/protocol';
import { applyLabelsFile, withLabels } from './modelLabels';
import { runPendingPhotos } from './photoActions';
import { useAppStore } from './store';
import type { LoadedModelInfo, ModelEntry } from './types';
import { clampWindow } from './viewActions';
import { inferenceClient } from './workerClient';

let modelLoadId = 0;

/** Starts a model load; a later one makes this one stale (its result is dropped). */
function beginModelLoad(): number {
  return ++modelLoadId;
}
function isCurrentModelLoad(loadId: number): boolean {
  return loadId === modelLoadId;
}

export const INDEX_URL = 'models/index.json';

export function absoluteUrl(path: string, base: string = document.baseURI): string {
  return new URL(path, base).href;
}

/** Absolute manifest URL of a model listed in public/models/index.json. */
export function bundledManifestUrl(entry: ModelEntry): string {
  return absoluteUrl(entry.manifest, absoluteUrl(INDEX_URL));
}

export async function fetchJson(url: string, what: string): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(url);
  } catch (e) {
    throw new Error(`Could not fetch the ${what} (${url}): ${errorText(e)}`);
  }
  if (!response.ok) throw new Error(`Could not fetch the ${what}: ${url} answered ${response.status}`);
  try {
    return await response.json();
  } catch {
    throw new Error(`The ${what} at ${url} is not valid JSON.`);
  }
}

/**
 * The one step that makes a loaded model the app's model. Another model (or other input
 * settings) invalidates every result: activations and compare are cleared, the layer is kept
 * when the new model has it (with its window clamped) or reset to the default layer and
 * window, and photo A and photo B run again with their PhotoRef (sample ids kept for links).
 * The same model again (a restarted worker, the same menu entry) keeps results and view,
 * and only runs a photo that has no answer yet.
 */
async function commitModel(model: LoadedModelInfo, sameModel: boolean): Promise<void> {
  const s = useAppStore.getState();
  if (sameModel) {
    useAppStore.setState({ status: 'ready', loadProgress: null, model });
  } else {
    const { manifest } = model;
    const keepTap = s.selectedTap !== null && manifest.taps.some((t) => t.name === s.selectedTap && isMapTap(t));
    const tap = keepTap ? manifest.taps.find((t) => t.name === s.selectedTap)! : defaultTap(manifest);
    useAppStore.setState({
      status: 'ready',
      loadProgress: null,
      model,
      selectedTap: tap.name,
      ...(keepTap ? {} : { firstChannel: 0, channelCount: defaultChannelCount(tap.shape[0] ?? 1) }),
      activations: null,
      compare: null,
    });
    clampWindow();
  }
  await runPendingPhotos();
}

/** Loads the manifest at manifestUrl and its model; on failure the previous model stays. */
export async function loadModel(manifestUrl: string): Promise<void> {
  const loadId = beginModelLoad();
  const previous = useAppStore.getState();
  useAppStore.setState({ status: 'loading-model', loadProgress: null, modelError: null });
  const fail = (message: string) => useAppStore.setState({ modelError: message, status: previous.model ? 'ready' : 'error', loadProgress: null });
  let manifest: Manifest;
  try {
    manifest = parseManifest(await fetchJson(manifestUrl, 'model manifest'));
  } catch (e) {
    fail(e instanceof ManifestError ? `This model's manifest is invalid: ${e.message}` : errorText(e));
    return;
  }
  const modelUrl = absoluteUrl(manifest.file.name, manifestUrl);
  try {
    const loaded = await inferenceClient().loadModel(modelUrl, manifest, useAppStore.getState().backendChoice, (p) => {
      if (isCurrentModelLoad(loadId)) useAppStore.setState({ loadProgress: p });
    });
    if (!isCurrentModelLoad(loadId)) return;
    const sameModel = useAppStore.getState().model?.manifest.id === manifest.id;
    await commitModel({ manifest, manifestUrl, modelUrl, backend: loaded.backend, compileMs: loaded.compileMs }, sameModel);
  } catch (e) {
    if (isCurrentModelLoad(loadId)) fail(errorText(e));
  }
}

export interface ForeignModelOptions {
  labels?: string[];
  keepLabels?: string[];
  /** Hugging Face models: labels from config.json's id2label, the repo id as the name, an hf: link, preprocessing. */
  labelsSource?: 'file' | 'config';
  displayName?: string;
  link?: string;
  input?: InputChoice | null;
  /** Puts the worker's bytes on one bar with files fetched before (a Hub repo's config files). */
  mapProgress?: (p: Progress) => Progress;
  /** The source is a checkpoint: the worker builds its ConvNeXt graph (src/store/checkpointActions.ts). */
  checkpoint?: CheckpointBuild;
}

/** What a restarted worker needs to load the same model the same way (name, link, preprocessing). */
function reloadOptions(o: ForeignModelOptions): ForeignModelOptions | undefined {
  if (!o.displayName && !o.link && !o.input && !o.labelsSource && !o.checkpoint) return undefined;
  return { displayName: o.displayName, link: o.link, input: o.input ?? null, labelsSource: o.labelsSource, checkpoint: o.checkpoint };
}

/**
 * Loads a foreign ONNX model; on any failure the previous model stays loaded and usable.
 * Resolves true when this model was loaded; a cancelled download leaves no error behind.
 */
export async function loadForeignModel(source: ModelSource, options: ForeignModelOptions = {}): Promise<boolean> {
  const loadId = beginModelLoad();
  const previous = useAppStore.getState();
  useAppStore.setState({ status: 'loading-model', loadProgress: null, modelError: null });
  try {
    const loaded = await inferenceClient().loadFrom(source, null, previous.backendChoice, options.input ?? null, (p) => {
      if (isCurrentModelLoad(loadId)) useAppStore.setState({ loadProgress: options.mapProgress ? options.mapProgress(p) : p });
    }, options.checkpoint);
    if (!isCurrentModelLoad(loadId)) return false;
    const named = options.displayName ? { ...loaded.manifest, displayName: options.displayName } : loaded.manifest;
    const manifest = await withLabels(named, options.labels ?? options.keepLabels ?? null, options.labelsSource);
    const link = options.link ?? (source.kind === 'url' ? source.url : undefined);
    const modelUrl = source.kind === 'url' ? source.url : source.model.name;
    const model: LoadedModelInfo = { manifest, manifestUrl: '', modelUrl, source, link, reload: reloadOptions(options), fromCache: loaded.fromCache, backend: loaded.backend, compileMs: loaded.compileMs };
    void refreshCachedModels();
    await commitModel(model, false);
    return true;
  } catch (e) {
    if (!isCurrentModelLoad(loadId)) return false;
    const cancelled = e instanceof InferenceError && e.code === 'cancelled';
    useAppStore.setState({ status: previous.model ? 'ready' : 'error', loadProgress: null, modelError: cancelled ? null : errorText(e) });
    return false;
  }
}

/** A foreign model's input size / normalisation changed: re-derive shapes and run the photos again. */
export async function configureForeignInput(choice: InputChoice): Promise<void> {
  const s = useAppStore.getState();
  // A Hub model's input is its repo's own pipeline; the page offers no other.
  if (!s.model?.manifest.derived || inputFromRepo(s.model.manifest.input)) return;
  useAppStore.setState({ status: 'loading-model', loadProgress: null, modelError: null });
  try {
    const reply = await inferenceClient().configureInput(choice, (p) => useAppStore.setState({ loadProgress: p }));
    const current = useAppStore.getState().model;
    if (!current) return;
    const manifest: Manifest = { ...reply.manifest, labels: current.manifest.labels, derived: current.manifest.derived };
    await commitModel({ ...current, manifest }, false);
  } catch (e) {
    useAppStore.setState({ status: useAppStore.getState().model ? 'ready' : 'error', loadProgress: null, modelError: errorText(e) });
  }
}

/** The worker died and was replaced: load the same model the same way; its photos run again. */
export async function recoverFromCrash(reason: string): Promise<void> {
  const s = useAppStore.getState();
  const message = `${/[.!?]$/.test(reason) ? reason : `${reason}.`} Reloading the model…`;
  useAppStore.setState({ photoError: message });
  if (!s.model) return;
  await (s.model.source ? loadForeignModel(s.model.source, { ...s.model.reload, keepLabels: s.model.manifest.labels }) : loadModel(s.model.manifestUrl));
  const after = useAppStore.getState();
  if (!after.modelError && after.photoError === message) useAppStore.setState({ photoError: null });
}

const isModelFile = (f: File) => /\.onnx$/i.test(f.name);
const isLabelsFile = (f: File) => /\.txt$/i.test(f.name);

/**
 * Handles dropped/chosen files that are a model (with its external data files) or a
 * labels.txt; returns false when they are something else (a photo).
 */
export function acceptModelFiles(files: readonly File[]): boolean {
  const model = files.find(isModelFile);
  const labels = files.find(isLabelsFile);
  if (model) {
    const externalData = files.filter((f) => f !== model && f !== labels && !isModelFile(f) && !isImageFile(f));
    const extraModels = files.filter((f) => f !== model && isModelFile(f));
    const go = async () => {
      const given = labels ? parseLabelsText(await labels.text()) : undefined;
      await loadForeignModel({ kind: 'files', model, externalData }, given ? { labels: given } : {});
      if (extraModels.length > 0) useAppStore.setState({ photoNotice: `${extraModels.length + 1} .onnx files were dropped; loaded "${model.name}" only.` });
    };
    void go();
    return true;
  }
  // A .txt among photos is not a labels file for the model: the photos win (the first is used).
  if (labels && !files.some(isImageFile)) {
    void applyLabelsFile(labels);
    return true;
  }
  return false;
}

export async function refreshCachedModels(): Promise<void> {
  try {
    useAppStore.setState({ cachedModels: await listCachedModels() });
  } catch {
    useAppStore.setState({ cachedModels: [] });
  }
}

export async function clearModelCache(): Promise<void> {
  await clearCachedModels();
  await refreshCachedModels();
}
