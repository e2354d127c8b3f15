/**
 * Loading a model from the Hugging Face Hub: list the repo, choose the weights, fetch
 * config.json and preprocessor_config.json, then hand the model file's URL to the
 * worker's ordinary URL loader (download with size limit and progress, Cache Storage).
 * One progress bar counts the bytes of all three files. Every failure is a message in
 * the alert box and the previous model stays loaded.
 */
import { chooseVariant, DEFAULT_REVISION, fileUrl, hubLink, labelsFromConfig, parseHubLink, weightVariants, parseHubRef, type HubRef, type OnnxVariant } from '../app/hub';
import { HubCancelled, listRepo, repoJson } from '../app/hubClient';
import { MAX_MODEL_BYTES, tooLargeMessage } from '../model/limits';
import type { InputChoice } from '../model/deriveManifest';
import { PreprocessorConfigError, readPreprocessorConfig } from '../model/hfPreprocessor';
import { errorText } from '../app/errorText';
import { loadForeignModel } from './modelActions';
import { useAppStore } from './store';
import { inferenceClient } from './workerClient';

/** The one-click trained network offered while the loaded model is untrained. */
export const TRAINED_PRESET = {
  repo: 'Xenova/convnext-tiny-224',
  key: 'fp16',
  /** onnx/model_fp16.onnx's size on the Hub; the Weights select shows the listing's own figure once loaded. */
  sizeText: '57 MB',
  label: 'ConvNeXt-Tiny · ImageNet-1k · trained (Hugging Face: Xenova/convnext-tiny-224)',
} as const;
export const TRAINED_PRESET_LINK = hubLink({ repo: TRAINED_PRESET.repo, revision: DEFAULT_REVISION }, TRAINED_PRESET.key);

/** Trained ConvNeXts published only as checkpoints, built in the page; `file` is what the repo's listing offers first. */
export interface CheckpointPreset {
  repo: string;
  file: string;
  /** The Model menu's text, the issue's contract. */
  label: string;
  sizeText: string;
  link: string;
}

function checkpointPreset(repo: string, file: string, sizeText: string, title: string): CheckpointPreset {
  return { repo, file, sizeText, label: `${title} (${repo}, ${sizeText})`, link: hubLink({ repo, revision: DEFAULT_REVISION }, '') };
}

export const CHECKPOINT_PRESETS: readonly CheckpointPreset[] = [
  checkpointPreset('timm/convnext_atto.d2_in1k', 'model.safetensors', '15 MB', 'ConvNeXt-Atto · ImageNet-1k · trained'),
  checkpointPreset('lakshyaM/convnextv2_femto_food101', 'model.safetensors', '20 MB', 'ConvNeXt V2-Femto · Food-101'),
];

/** The one-click offer while the model is untrained: the bundled default's own architecture, trained (a quarter of the Tiny's download). */
export const OFFER_PRESET = CHECKPOINT_PRESETS[0]!;

let pageAbort: AbortController | null = null;
let answerQuestion: ((useDefaults: boolean) => void) | null = null;

function fail(message: string): void {
  const s = useAppStore.getState();
  useAppStore.setState({ hubPhase: 'idle', modelError: message, status: s.model ? 'ready' : 'error', loadProgress: null });
}

/** The *Hugging Face model* field: an id, id@rev, or a pasted Hub page or file URL. */
export async function loadFromHubText(text: string): Promise<void> {
  let ref: HubRef;
  try {
    ref = parseHubRef(text);
  } catch (e) {
    fail(errorText(e));
    return;
  }
  await loadHubRef(ref, { file: ref.file });
}

/** A `?model=hf:owner/name[@rev][:variant]` link, or the preset in the Model menu. */
export async function loadHubLinkValue(value: string): Promise<boolean> {
  const link = parseHubLink(value);
  if (!link) {
    fail(`"${value}" is not a Hugging Face model link: expected hf:owner/name, hf:owner/name:fp16 or hf:owner/name@revision.`);
    return false;
  }
  return loadHubRef(link.ref, { key: link.key });
}

/** Another entry of the *Weights* select for the repo already listed. */
export async function chooseHubWeights(key: string): Promise<void> {
  const repo = useAppStore.getState().hubRepo;
  if (!repo) return;
  await loadHubRef(repo.ref, { key });
}

export function cancelHubDownload(): void {
  answerHubQuestion(false);
  pageAbort?.abort();
  inferenceClient().cancelDownload();
}

/** The answer to "preprocessor_config.json has a field ConvLens does not understand: use ImageNet defaults?". */
export function answerHubQuestion(useDefaults: boolean): void {
  const answer = answerQuestion;
  answerQuestion = null;
  useAppStore.setState({ hubQuestion: null });
  answer?.(useDefaults);
}

function ask(question: string): Promise<boolean> {
  answerHubQuestion(false); // a question still open from an earlier load is answered "no"
  useAppStore.setState({ hubQuestion: question });
  return new Promise((resolve) => {
    answerQuestion = resolve;
  });
}

function sizeOf(files: { path: string; bytes: number | null }[], path: string): number {
  return files.find((f) => f.path === path)?.bytes ?? 0;
}

/** The user said no to the ImageNet defaults: nothing is loaded, the previous model stays. */
class Declined extends Error {}

/**
 * The preprocessing a repo asks for, read as transformers does (src/model/hfPreprocessor.ts).
 * A file that is missing or has a field the app cannot follow is named to the user, who may
 * take the ImageNet defaults instead (null); declining throws Declined.
 */
async function preprocessingFor(repo: string, config: unknown | null): Promise<InputChoice | null> {
  let problem: string;
  if (config === null) {
    problem = `${repo} has no preprocessor_config.json, so how its photos were prepared is unknown.`;
  } else {
    try {
      return { preprocessing: readPreprocessorConfig(config) };
    } catch (e) {
      if (!(e instanceof PreprocessorConfigError)) throw e;
      problem = `${repo}: ${e.message}`;
    }
  }
  const useDefaults = await ask(
    `${problem} Use the ImageNet defaults instead (shorter side to 256, centre crop 224, bilinear, ImageNet mean and std)? The layers will then differ from what this model saw in training.`,
  );
  if (!useDefaults) throw new Declined(problem);
  return null;
}

async function loadHubRef(ref: HubRef, wanted: { key?: string | null; file?: string | null }): Promise<boolean> {
  pageAbort?.abort();
  const abort = new AbortController();
  pageAbort = abort;
  const { signal } = abort;
  const previous = useAppStore.getState();
  useAppStore.setState({ hubPhase: 'listing', hubNotice: null, modelError: null, status: 'loading-model', loadProgress: null });
  const stillMine = () => pageAbort === abort;
  try {
    const listing = await listRepo(ref, signal);
    const variants = weightVariants(listing.files);
    if (variants.length === 0) {
      fail(
        `${ref.repo} has no ONNX model file and no checkpoint to build (ConvLens looks for onnx/model.onnx and its variants, a .onnx file at the top of the repo, or a ConvNeXt's model.safetensors or pytorch_model.bin).`,
      );
      return false;
    }
    const variant = chooseVariant(variants, wanted);
    if (!variant) {
      const asked = wanted.file ?? wanted.key;
      fail(`${ref.repo} has no weights file "${asked}". It has: ${variants.map((v) => v.path).join(', ')}.`);
      return false;
    }
    useAppStore.setState({ hubRepo: { ref, variants, chosen: variant.key, loadedUrl: previous.hubRepo?.loadedUrl ?? null, offline: listing.offline } });
    if (variant.bytes !== null && variant.bytes > MAX_MODEL_BYTES) {
      fail(`${ref.repo}: ${tooLargeMessage(variant.bytes, variant.path)} Choose smaller weights.`);
      return false;
    }
    const files = listing.files;
    const hasPreprocessor = files.some((f) => f.path === 'preprocessor_config.json');
    const hasConfig = files.some((f) => f.path === 'config.json');
    const jsonBytes = (hasConfig ? sizeOf(files, 'config.json') : 0) + (hasPreprocessor ? sizeOf(files, 'preprocessor_config.json') : 0);
    const total = jsonBytes + (variant.bytes ?? 0);
    useAppStore.setState({ hubPhase: 'downloading', loadProgress: { stage: 'download', loaded: 0, total: total || null } });
    const config = hasConfig ? await repoJson(ref, 'config.json', signal) : null;
    const preprocessor = hasPreprocessor ? await repoJson(ref, 'preprocessor_config.json', signal) : null;
    if (!stillMine()) return false;
    useAppStore.setState({ loadProgress: { stage: 'download', loaded: jsonBytes, total: total || null } });
    // A checkpoint's builder reads the configs itself (timm's pretrained_cfg, transformers' id2label), with no question asked.
    const input = variant.checkpoint ? null : await preprocessingFor(ref.repo, preprocessor);
    if (!stillMine()) return false;
    const labels = variant.checkpoint ? null : labelsFromConfig(config);
    const url = fileUrl(ref, variant.path);
    const loaded = await loadForeignModel(
      { kind: 'url', url, cache: true },
      {
        ...(variant.checkpoint ? { checkpoint: { config: config ?? undefined, preprocessorConfig: preprocessor ?? undefined } } : {}),
        ...(labels ? { labels, labelsSource: 'config' as const } : {}),
        displayName: variantName(ref, variant),
        link: hubLink(ref, variant.key),
        input,
        mapProgress: (p) => (p.stage === 'download' ? { ...p, loaded: p.loaded + jsonBytes, total: p.total === null ? (total || null) : p.total + jsonBytes } : p),
      },
    );
    if (!stillMine()) return loaded;
    const repo = useAppStore.getState().hubRepo;
    if (loaded && repo) useAppStore.setState({ hubRepo: { ...repo, loadedUrl: url } });
    if (!loaded && !useAppStore.getState().modelError) cancelled();
    const error = useAppStore.getState().modelError;
    if (!loaded && error && /operator/i.test(error) && variant.key !== '' && variant.key !== 'fp16') {
      const better = variants.filter((v) => v.key === '' || v.key === 'fp16').map((v) => v.label.split(' · ')[0]);
      if (better.length > 0) useAppStore.setState({ modelError: `${error} Quantized weights need operators onnxruntime-web may lack: choose the ${better.join(' or ')} weights instead.` });
    }
    useAppStore.setState({ hubPhase: 'idle' });
    return loaded;
  } catch (e) {
    if (!stillMine()) return false;
    if (e instanceof Declined) {
      const s = useAppStore.getState();
      useAppStore.setState({ status: s.model ? 'ready' : 'error', loadProgress: null, hubPhase: 'idle', hubNotice: `Not loaded: ${e.message}` });
      return false;
    }
    if (e instanceof HubCancelled) {
      const s = useAppStore.getState();
      useAppStore.setState({ status: s.model ? 'ready' : 'error', loadProgress: null, hubPhase: 'idle' });
      cancelled();
      return false;
    }
    fail(errorText(e));
    return false;
  }
}

function cancelled(): void {
  const name = useAppStore.getState().model?.manifest.displayName;
  useAppStore.setState({ hubNotice: `Download cancelled.${name ? ` Still showing ${name}.` : ''}`, hubPhase: 'idle' });
}

function variantName(ref: HubRef, v: OnnxVariant): string {
  const rev = ref.revision === DEFAULT_REVISION ? '' : `@${ref.revision}`;
  const which = v.key === '' ? '' : ` · ${v.key.endsWith('.onnx') ? v.path : v.key}`;
  return `${ref.repo}${rev}${which}`;
}

