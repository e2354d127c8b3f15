/**
 * "Bring your own model": loading a foreign ONNX image model from dropped files or a
 * URL, its input settings, its labels, and the model cache. Like actions.ts, every
 * failure becomes a message in the store and the previous model stays loaded.
 */
import { clearCachedModels, listCachedModels } from '../app/modelCache';
import { parseLabelsText, type InputChoice } from '../model/deriveManifest';
import type { Manifest } from '../model/manifest';
import { defaultTap, isMapTap } from '../model/taps';
import { softmax, topK } from '../render/predictions';
import type { ModelSource } from '../worker/protocol';
import { InferenceError, type Progress } from '../worker/client';
import { beginModelLoad, clampWindow, inferenceClient, isCurrentModelLoad, runComparePhoto, runPhoto } from './actions';
import { useAppStore } from './store';

/** ImageNet-1k class names (torchvision's order), used when a head has 1000 outputs and no labels. */
export const IMAGENET_LABELS_URL = 'models/imagenet-labels.txt';

export function modelUrlFromSearch(search: string): string | null {
  const raw = new URLSearchParams(search).get('model');
  if (!raw || raw.startsWith('hf:')) return null; // a Hugging Face model: src/store/hubActions.ts
  try {
    return new URL(raw, document.baseURI).href;
  } catch {
    return null;
  }
}

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function logitsCount(manifest: Manifest): number | null {
  return manifest.taps.find((t) => t.kind === 'logits')?.shape[0] ?? null;
}

async function imagenetLabels(): Promise<string[] | null> {
  try {
    const response = await fetch(new URL(IMAGENET_LABELS_URL, document.baseURI).href);
    return response.ok ? parseLabelsText(await response.text()) : null;
  } catch {
    return null;
  }
}

/** Labels for a derived manifest: its metadata's, then ones the user gave, then ImageNet's for 1000 classes. */
async function withLabels(manifest: Manifest, given: string[] | null, givenSource: 'file' | 'config' = 'file'): Promise<Manifest> {
  const classes = logitsCount(manifest);
  if (!manifest.derived || classes === null || (manifest.labels.length === classes && givenSource !== 'config')) return manifest;
  if (given?.length === classes) return { ...manifest, labels: given, derived: { ...manifest.derived, labelsSource: givenSource } };
  if (classes === 1000) {
    const labels = await imagenetLabels();
    if (labels?.length === 1000) return { ...manifest, labels, derived: { ...manifest.derived, labelsSource: 'imagenet' } };
  }
  return manifest;
}

function showModelInUrl(source: ModelSource | null, link?: string): void {
  // A reload then loads the same model again (from Cache Storage, not the network).
  const url = new URL(location.href);
  if (link) url.searchParams.set('model', link);
  else if (source?.kind === 'url') url.searchParams.set('model', source.url);
  else url.searchParams.delete('model');
  if (url.href !== location.href) history.replaceState(history.state, '', url.href);
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
}

/** What a restarted worker needs to load the same model the same way (name, link, preprocessing). */
function reloadOptions(o: ForeignModelOptions): ForeignModelOptions | undefined {
  if (!o.displayName && !o.link && !o.input && !o.labelsSource) return undefined;
  return { displayName: o.displayName, link: o.link, input: o.input ?? null, labelsSource: o.labelsSource };
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
    });
    if (!isCurrentModelLoad(loadId)) return false;
    const named = options.displayName ? { ...loaded.manifest, displayName: options.displayName } : loaded.manifest;
    const manifest = await withLabels(named, options.labels ?? options.keepLabels ?? null, options.labelsSource);
    const modelUrl = source.kind === 'url' ? source.url : source.model.name;
    useAppStore.setState({
      status: 'ready',
      loadProgress: null,
      model: { manifest, manifestUrl: '', modelUrl, source, reload: reloadOptions(options), fromCache: loaded.fromCache, backend: loaded.backend, compileMs: loaded.compileMs },
      selectedTap: defaultTap(manifest).name,
      firstChannel: 0,
      // Another model: no result of the old one stays on screen, photo B's included (as loadModel does).
      activations: null,
      compare: null,
    });
    clampWindow();
    showModelInUrl(source, options.link);
    void refreshCachedModels();
    await rerunPhotos();
    return true;
  } catch (e) {
    if (!isCurrentModelLoad(loadId)) return false;
    const cancelled = e instanceof InferenceError && e.code === 'cancelled';
    useAppStore.setState({ status: previous.model ? 'ready' : 'error', loadProgress: null, modelError: cancelled ? null : errorMessage(e) });
    return false;
  }
}

/** A foreign model's input size / normalisation changed: re-derive shapes and re-run the photo. */
export async function configureForeignInput(choice: InputChoice): Promise<void> {
  const s = useAppStore.getState();
  if (!s.model?.manifest.derived) return;
  useAppStore.setState({ status: 'loading-model', loadProgress: null, modelError: null });
  try {
    const reply = await inferenceClient().configureInput(choice, (p) => useAppStore.setState({ loadProgress: p }));
    const current = useAppStore.getState();
    if (!current.model) return;
    const manifest: Manifest = { ...reply.manifest, labels: current.model.manifest.labels, derived: current.model.manifest.derived };
    const keepTap = manifest.taps.some((t) => t.name === current.selectedTap && isMapTap(t));
    useAppStore.setState({
      status: 'ready',
      loadProgress: null,
      model: { ...current.model, manifest },
      selectedTap: keepTap ? current.selectedTap : defaultTap(manifest).name,
      activations: null,
      compare: null,
    });
    clampWindow();
    await rerunPhotos();
  } catch (e) {
    useAppStore.setState({ status: useAppStore.getState().model ? 'ready' : 'error', loadProgress: null, modelError: errorMessage(e) });
  }
}

/** Runs photo A and photo B again on the model just loaded, each with its sample id, so links keep `sample=`. */
async function rerunPhotos(): Promise<void> {
  const s = useAppStore.getState();
  const second = s.lastComparePhoto;
  if (second) void runComparePhoto(second.blob, second.name, second.sampleId);
  if (s.lastPhoto) await runPhoto(s.lastPhoto.blob, s.lastPhoto.name, null, s.lastPhotoSampleId);
}

/** A dropped or chosen labels.txt for the loaded model. */
export async function applyLabelsFile(file: File): Promise<void> {
  const labels = parseLabelsText(await file.text());
  const s = useAppStore.getState();
  const manifest = s.model?.manifest;
  const classes = manifest ? logitsCount(manifest) : null;
  if (!s.model || !manifest || classes === null) {
    useAppStore.setState({ modelError: `"${file.name}" has labels, but the loaded model has no class output to name.` });
    return;
  }
  if (labels.length !== classes) {
    useAppStore.setState({ modelError: `"${file.name}" has ${labels.length} labels, but the model has ${classes} classes; the labels were not used.` });
    return;
  }
  const next: Manifest = { ...manifest, labels, ...(manifest.derived ? { derived: { ...manifest.derived, labelsSource: 'file' as const } } : {}) };
  const activations = s.activations;
  const logitsName = manifest.taps.find((t) => t.kind === 'logits')!.name;
  const logits = activations?.tensors.get(logitsName);
  useAppStore.setState({
    model: { ...s.model, manifest: next },
    modelError: null,
    activations: activations && logits ? { ...activations, top5: topK(softmax(logits.data), labels, 5) } : activations,
  });
}

const MODEL_FILE = /\.onnx$/i;
const LABELS_FILE = /\.txt$/i;
const IMAGE_FILE = /\.(jpe?g|png|gif|webp|bmp|avif|heic|heif|tiff?)$/i;

/**
 * Handles dropped/chosen files that are a model (with its external data files) or a
 * labels.txt; returns false when they are something else (a photo).
 */
export function acceptModelFiles(files: readonly File[]): boolean {
  const model = files.find((f) => MODEL_FILE.test(f.name));
  const labels = files.find((f) => LABELS_FILE.test(f.name));
  if (model) {
    const externalData = files.filter((f) => f !== model && f !== labels && !MODEL_FILE.test(f.name) && !IMAGE_FILE.test(f.name) && !f.type.startsWith('image/'));
    const extraModels = files.filter((f) => f !== model && MODEL_FILE.test(f.name));
    const go = async () => {
      const given = labels ? parseLabelsText(await labels.text()) : undefined;
      await loadForeignModel({ kind: 'files', model, externalData }, given ? { labels: given } : {});
      if (extraModels.length > 0) useAppStore.setState({ photoNotice: `${extraModels.length + 1} .onnx files were dropped; loaded "${model.name}" only.` });
    };
    void go();
    return true;
  }
  // A .txt among photos is not a labels file for the model: the photos win (the first is used).
  if (labels && !files.some((f) => IMAGE_FILE.test(f.name) || f.type.startsWith('image/'))) {
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
