/**
 * Running photos. Every photo (a drop, a sample, a link's sample, a paused camera frame,
 * photo B of a comparison) goes through runPhotoInSlot with its PhotoRef; a model change
 * or a restarted worker runs them again through runPendingPhotos. Failures become a
 * message in the store and the last good result stays.
 */
import { errorText } from '../app/errorText';
import { photoNotes } from '../app/photoNotes';
import { SAMPLES, sampleUrl, type Sample } from '../app/samples';
import type { Manifest } from '../model/manifest';
import { softmax, topK } from '../render/predictions';
import type { LayerTensor } from '../render/types';
import { InferenceError } from '../worker/client';
import type { RunResult, RunSlot } from '../worker/protocol';
import { useAppStore, type AppState } from './store';
import type { Activations, PhotoRef } from './types';
import { clampWindow } from './viewActions';
import { inferenceClient } from './workerClient';
import { logitsTap } from '../model/taps';

let runIds = 0;
/** Newest run per slot: a newer photo supersedes only the older run of its own slot. */
const latestRunId: Record<RunSlot, number> = { main: 0, compare: 0 };
/**
 * The photo of each slot still waiting for its answer: asked before the model was ready, or
 * cut short by the worker's death. runPendingPhotos runs it again; any other answer clears it.
 */
const unanswered: Record<RunSlot, PhotoRef | null> = { main: null, compare: null };

/** A new id for a result shown in the views (camera frames take theirs here too). */
function claimRunId(): number {
  return ++runIds;
}

export function photoRef(blob: Blob, name: string, sampleId: string | null = null, notes: string[] = []): PhotoRef {
  return { blob, name, sampleId, notes };
}

function resultOf(s: AppState, slot: RunSlot): Activations | null {
  return slot === 'main' ? s.activations : s.compare;
}

/** Everything one run produced, ready for the views. */
export function toActivations(runId: number, photo: Pick<PhotoRef, 'name' | 'sampleId'>, manifest: Manifest, result: RunResult, totalMs: number): Activations {
  const tensors = new Map<string, LayerTensor>();
  for (const out of result.taps) {
    const tap = manifest.taps.find((t) => t.name === out.name);
    tensors.set(out.name, { name: out.name, shape: tap ? tap.shape : out.dims.slice(1), data: out.data });
  }
  const head = logitsTap(manifest);
  const logits = head ? tensors.get(head.name) : undefined;
  return {
    runId,
    photoName: photo.name,
    sampleId: photo.sampleId,
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

/**
 * Runs `photo` as photo A ('main') or photo B ('compare'). A newer photo in the same slot
 * supersedes this run, whose result is then dropped. Without a model yet, the photo is kept
 * and runs once one is loaded.
 */
export async function runPhotoInSlot(slot: RunSlot, photo: PhotoRef): Promise<void> {
  const runId = (latestRunId[slot] = claimRunId());
  const current = () => runId === latestRunId[slot];
  const before = useAppStore.getState();
  useAppStore.setState({ photos: { ...before.photos, [slot]: photo }, ...(slot === 'main' ? { photoNotice: notesText(photo.notes) } : {}) });
  unanswered[slot] = null;
  if (photo.blob.size === 0) {
    useAppStore.setState({ photoError: `"${photo.name}" is empty (0 bytes): nothing to ${slot === 'main' ? 'show' : 'compare'}.` });
    return;
  }
  unanswered[slot] = photo;
  if (!before.model) return;
  const started = performance.now();
  useAppStore.setState(slot === 'main' ? { status: 'running', runProgress: null } : { compareProgress: { stage: 'decode', loaded: 0, total: null } });
  try {
    const result = await inferenceClient().run(
      photo.blob,
      (p) => {
        if (current()) useAppStore.setState(slot === 'main' ? { runProgress: p } : { compareProgress: p });
      },
      undefined,
      slot,
    );
    if (!current()) return;
    unanswered[slot] = null;
    const { model } = useAppStore.getState();
    if (!model) return;
    const activations = toActivations(runId, photo, model.manifest, result, performance.now() - started);
    if (slot === 'compare') {
      useAppStore.setState({ compare: activations, compareProgress: null });
      return;
    }
    useAppStore.setState({
      status: 'ready',
      runProgress: null,
      activations,
      // A photo that worked answers every earlier error: the last good model is in use.
      photoError: null,
      modelError: null,
      photoNotice: notesText([...photo.notes, ...photoNotes(result.source, result.decoded, model.manifest.input.resizeSize)]),
      model: { ...model, backend: result.backend },
    });
    clampWindow();
  } catch (e) {
    if (e instanceof InferenceError && e.code === 'superseded') return;
    if (!current()) return;
    // A run the worker's death cut short stays unanswered: the restarted worker runs it.
    if (!(e instanceof InferenceError && e.code === 'worker-crashed')) unanswered[slot] = null;
    const s = useAppStore.getState();
    if (slot === 'main') {
      useAppStore.setState({ status: s.model ? 'ready' : 'error', runProgress: null, photoError: `Could not process "${photo.name}": ${errorText(e)}` });
    } else {
      useAppStore.setState({ compareProgress: null, photoError: `Could not process the second photo "${photo.name}": ${errorText(e)}` });
    }
  }
}

function notesText(notes: readonly string[]): string | null {
  return notes.length > 0 ? notes.join(' ') : null;
}

/**
 * Runs again each slot's photo that has no result (the model changed) or no answer yet
 * (asked before the model was ready, or cut short by a crash), each with its own PhotoRef,
 * so links keep `sample=` and `compare=`. Resolves when photo A's run is done.
 */
export async function runPendingPhotos(): Promise<void> {
  const s = useAppStore.getState();
  const pending = (slot: RunSlot) => {
    const photo = s.photos[slot];
    return photo && (resultOf(s, slot) === null || unanswered[slot] === photo) ? photo : null;
  };
  const b = pending('compare');
  const a = pending('main');
  if (b) void runPhotoInSlot('compare', b);
  if (a) await runPhotoInSlot('main', a);
}

/**
 * A live camera frame's result becomes what the views show for photo A (the frame itself
 * is not kept: src/camera/cameraController.ts keeps the last one and pauses into a PhotoRef).
 * Returns the run id it shows under, or null when no model is loaded.
 */
export function showFrameResult(name: string, result: RunResult, totalMs: number): number | null {
  const s = useAppStore.getState();
  if (!s.model) return null;
  const runId = claimRunId();
  const fresh = toActivations(runId, { name, sampleId: null }, s.model.manifest, result, totalMs);
  const activations = withEarlierLayers(fresh, s.activations, name, s.model.manifest);
  const backend = s.model.backend;
  const backendChanged = backend.name !== result.backend.name || backend.fallbackReason !== result.backend.fallbackReason;
  useAppStore.setState(backendChanged ? { activations, model: { ...s.model, backend: result.backend } } : { activations });
  if (!s.activations) clampWindow();
  return runId;
}

/**
 * A live frame that brought only some taps (src/camera/frameTaps.ts) keeps the other layers
 * of the camera's earlier frames, at most ROUND_FRAMES frames old, as the same objects,
 * so views that cache per tensor (the network map) redraw only what changed. Only frames of
 * the same live source and the same model's taps are kept; anything else stays missing.
 */
function withEarlierLayers(fresh: Activations, previous: Activations | null, name: string, manifest: Manifest): Activations {
  if (!previous || previous.photoName !== name || fresh.tensors.size === manifest.taps.length) return fresh;
  const tensors = new Map<string, LayerTensor>();
  for (const tap of manifest.taps) {
    const t = fresh.tensors.get(tap.name) ?? previous.tensors.get(tap.name);
    if (t && t.shape.length === tap.shape.length && t.shape.every((d, i) => d === tap.shape[i])) tensors.set(tap.name, t);
  }
  return { ...fresh, tensors };
}

async function fetchSample(sample: Sample): Promise<Blob | null> {
  try {
    const response = await fetch(sampleUrl(sample));
    if (!response.ok) throw new Error(`${response.status}`);
    return await response.blob();
  } catch (e) {
    useAppStore.setState({ photoError: `Could not load the sample "${sample.title}": ${errorText(e)}` });
    return null;
  }
}

/** Runs a bundled sample in a slot, with its id, so it can travel in a link. */
export async function runSample(sample: Sample, slot: RunSlot = 'main'): Promise<void> {
  const blob = await fetchSample(sample);
  if (blob) await runPhotoInSlot(slot, photoRef(blob, sample.file, sample.id));
}

export function sampleById(id: string): Sample | undefined {
  return SAMPLES.find((s) => s.id === id);
}
