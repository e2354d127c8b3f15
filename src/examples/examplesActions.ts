/**
 * The Examples view's work: collecting photos (files, camera frames, the samples), running
 * them through the model a few at a time in the worker (src/worker/examplesRun.ts), and
 * keeping photos and results in IndexedDB. Only photos not yet in the loaded model's examples
 * are sent; Cancel stops between two batches and keeps what is done; a model change reads that
 * model's results (or starts again).
 */
import { SAMPLES, sampleUrl } from '../app/samples';
import { errorText } from '../app/errorText';
import type { LoadedModelInfo } from '../store/types';
import { useAppStore } from '../store/store';
import { inferenceClient } from '../store/workerClient';
import { clearAll, clearResults, deletePhotos, loadPhotos, loadResults, saveBatch, savePhotos, type StoredMeta, type StoredPhoto } from './examplesDb';
import type { ExampleResults } from './examplesSlice';
import { cloneTopK, type TopKState } from './topK';

/** Photos per worker request: small, so a photo dropped meanwhile or Cancel waits at most one batch. */
export const EXAMPLES_BATCH = 4;

let nextId = 1;
/** Bumped by Forget photos and by removing the samples: a batch of an older generation is thrown away. */
let generation = 0;
let pumping = false;
let opening: Promise<void> | null = null;
/** The model whose results are being read: a second sync for it waits instead of reading them again. */
let syncing: { key: string; done: Promise<void> } | null = null;
/** The examples are written to IndexedDB at most this often while running (and always at the end). */
const SAVE_EVERY_MS = 2000;
let lastSave = 0;
/**
 * The last batch's IndexedDB write, which runs while the worker runs the next batch: Forget
 * photos and removing the samples wait for it, or it would write forgotten photos back.
 */
let saving: Promise<void> = Promise.resolve();
const saved = () => saving.catch(() => undefined);

/**
 * Where finding examples spent its time, summed over batches since the last reset (read by
 * the bench through the ?debug hook): the worker's split, and the page's wall time from
 * sending a batch to having stored its result.
 */
export const examplesTimings = { batches: 0, photos: 0, decode: 0, preprocess: 0, run: 0, bookkeeping: 0, wallMs: 0, fromStats: 0 };

export function resetExamplesTimings(): void {
  Object.assign(examplesTimings, { batches: 0, photos: 0, decode: 0, preprocess: 0, run: 0, bookkeeping: 0, wallMs: 0, fromStats: 0 });
}

export function modelKey(model: Pick<LoadedModelInfo, 'manifest' | 'modelUrl'>): string {
  return `${model.manifest.id}|${model.modelUrl}|${JSON.stringify(model.manifest.input)}`;
}

function meta(): StoredMeta {
  const s = useAppStore.getState();
  return { nextId, skipped: s.exampleSkipped, samplesRemoved: s.examplesSamplesRemoved };
}

function fail(e: unknown): void {
  useAppStore.setState({ examplesError: errorText(e), examplesRun: 'cancelled' });
}

/** First opening of the view: the photos kept from before, or the four samples. */
export function openExamples(): Promise<void> {
  opening ??= (async () => {
    const { photos, meta: stored } = await loadPhotos();
    nextId = Math.max(stored?.nextId ?? 1, ...photos.map((p) => p.id + 1));
    useAppStore.setState({ examplePhotos: photos, exampleSkipped: stored?.skipped ?? [], examplesSamplesRemoved: stored?.samplesRemoved ?? false });
    if (!stored) await addSamples();
    useAppStore.setState({ examplesReady: true });
    await syncExamplesModel();
  })().catch(fail);
  return opening;
}

async function addPhotos(items: { name: string; sampleId: string | null; image: Blob }[]): Promise<void> {
  const added: StoredPhoto[] = items.map((i) => ({ ...i, id: nextId++, isCrop: false }));
  useAppStore.setState((s) => ({ examplePhotos: [...s.examplePhotos, ...added] }));
  // A folder of a thousand photos is kept 50 at a time: one transaction would clone them all in one task.
  for (let i = 0; i < added.length; i += 50) await savePhotos(added.slice(i, i + 50), meta());
  void pumpExamples();
}

export function addExampleFiles(files: readonly File[]): Promise<void> {
  return addPhotos(files.map((f) => ({ name: f.name, sampleId: null, image: f }))).catch(fail);
}

/** A camera frame (PNG of the whole frame), named by the time it was kept. */
export function addExampleFrame(frame: Blob): Promise<void> {
  const name = `camera-${new Date().toISOString().slice(11, 19).replaceAll(':', '')}.png`;
  return addPhotos([{ name, sampleId: null, image: frame }]).catch(fail);
}

export async function addSamples(): Promise<void> {
  const blobs = await Promise.all(SAMPLES.map(async (s) => ({ name: s.file, sampleId: s.id, image: await (await fetch(sampleUrl(s))).blob() })));
  useAppStore.setState({ examplesSamplesRemoved: false });
  await addPhotos(blobs);
}

/** The examples can only grow: without the samples, they are found again from the kept crops. */
export async function removeSamples(): Promise<void> {
  generation++;
  const s = useAppStore.getState();
  const removed = s.examplePhotos.filter((p) => p.sampleId !== null).map((p) => p.id);
  useAppStore.setState({ examplePhotos: s.examplePhotos.filter((p) => p.sampleId === null), examplesSamplesRemoved: true, exampleResults: null, examplesRun: 'idle' });
  await saved();
  await deletePhotos(removed, meta());
  await clearResults();
  await syncExamplesModel();
}

export async function forgetExamplePhotos(): Promise<void> {
  generation++;
  useAppStore.setState({ examplePhotos: [], exampleSkipped: [], examplesSamplesRemoved: true, exampleResults: null, examplesRun: 'idle', examplesError: null, exampleChannel: null });
  await saved();
  await clearAll(meta()).catch(fail);
}

export function cancelExamples(): void {
  if (useAppStore.getState().examplesRun === 'running') useAppStore.setState({ examplesRun: 'cancelled' });
}

export function continueExamples(): void {
  useAppStore.setState({ examplesRun: 'idle', examplesError: null });
  void pumpExamples();
}

/** The loaded model changed (or the view opened): its own results, read back or started again. */
export async function syncExamplesModel(): Promise<void> {
  const s = useAppStore.getState();
  if (!s.examplesReady || !s.model) return;
  const key = modelKey(s.model);
  if (s.exampleResults?.modelKey === key) return void pumpExamples();
  if (syncing?.key === key) return syncing.done;
  const done = (async () => {
    const { results, means } = await loadResults(key);
    const fresh: ExampleResults = { modelKey: key, state: results?.state ?? null, processed: new Set(results?.processed ?? []), means };
    useAppStore.setState({ exampleResults: fresh, examplesRun: useAppStore.getState().examplesRun === 'running' ? 'running' : 'idle' });
  })();
  syncing = { key, done };
  try {
    await done;
  } finally {
    if (syncing?.done === done) syncing = null;
  }
  void pumpExamples();
}

/** Runs the photos not yet in the examples, a batch at a time, until none is left or Cancel. */
export async function pumpExamples(): Promise<void> {
  if (pumping) return;
  pumping = true;
  useAppStore.setState({ examplesBusy: true });
  // The working examples go to the worker and come back with each batch (transferred, never
  // copied there); the store holds a copy of them, which the page shows and keeps.
  let live: TopKState | null = null;
  let liveOf: ExampleResults | null = null;
  try {
    for (;;) {
      const s = useAppStore.getState();
      const results = s.exampleResults;
      if (!results || !s.model || s.examplesRun === 'cancelled' || modelKey(s.model) !== results.modelKey) break;
      const pending = s.examplePhotos.filter((p) => !results.processed.has(p.id)).slice(0, EXAMPLES_BATCH);
      if (pending.length === 0) break;
      if (s.examplesRun !== 'running') useAppStore.setState({ examplesRun: 'running' });
      // The first batch, or results read again meanwhile: work on a copy of what the store holds.
      if (liveOf !== results) live = results.state ? cloneTopK(results.state) : null;
      liveOf = null;
      const gen = generation;
      const sent = performance.now();
      const reply = await inferenceClient().examplesBatch(
        pending.map((p) => ({ photo: p.id, image: p.image, isCrop: p.isCrop })),
        live,
        results.modelKey,
      );
      await saving;
      const now = useAppStore.getState();
      // Forgotten, or another model's (or a re-read) results meanwhile: this batch belongs to none of them.
      if (gen !== generation || now.exampleResults !== results) continue;
      live = reply.state;
      saving = applyBatch(results, pending, reply);
      liveOf = useAppStore.getState().exampleResults;
      const t = examplesTimings;
      t.batches++;
      t.photos += pending.length;
      t.decode += reply.ms.decode;
      t.preprocess += reply.ms.preprocess;
      t.run += reply.ms.run;
      t.bookkeeping += reply.ms.bookkeeping;
      t.fromStats += reply.fromStats;
      t.wallMs += performance.now() - sent;
      performance.mark('convlens:examples-batch', { detail: { photos: pending.length, ...reply.ms } });
    }
    await saving;
  } catch (e) {
    fail(e);
  } finally {
    pumping = false;
    useAppStore.setState((s) => ({ examplesBusy: false, examplesRun: s.examplesRun === 'running' ? 'idle' : s.examplesRun }));
  }
}

type BatchReply = Awaited<ReturnType<ReturnType<typeof inferenceClient>['examplesBatch']>>;

/** The batch in the store at once (the next batch is sent from it); the promise is its IndexedDB write. */
function applyBatch(results: ExampleResults, sent: readonly StoredPhoto[], reply: BatchReply): Promise<void> {
  const s = useAppStore.getState();
  const byId = new Map(sent.map((p) => [p.id, p]));
  const cropped: StoredPhoto[] = [];
  const skippedIds = new Set<number>();
  const skipped = [...s.exampleSkipped];
  const processed = new Set(results.processed);
  const means = new Map(results.means);
  const newMeans = new Map<number, Float32Array>();
  for (const out of reply.photos) {
    const photo = byId.get(out.photo)!;
    if (out.skipped !== null) {
      skippedIds.add(out.photo);
      skipped.push({ name: photo.name, reason: out.skipped });
      continue;
    }
    processed.add(out.photo);
    if (out.means) {
      means.set(out.photo, out.means);
      newMeans.set(out.photo, out.means);
    }
    if (out.crop) cropped.push({ ...photo, image: out.crop, isCrop: true });
  }
  const replaced = new Map(cropped.map((p) => [p.id, p]));
  const next: ExampleResults = { modelKey: results.modelKey, state: reply.state ? cloneTopK(reply.state) : results.state, processed, means };
  const photos = s.examplePhotos.filter((p) => !skippedIds.has(p.id)).map((p) => replaced.get(p.id) ?? p);
  useAppStore.setState({ examplePhotos: photos, exampleSkipped: skipped, exampleResults: next });
  // The examples (1.3 MB for Atto) are cloned into IndexedDB on the page's thread: every two
  // seconds and at the end, not every batch. The crops and means are kept every batch.
  const last = useAppStore.getState().examplesRun === 'cancelled' || photos.every((p) => processed.has(p.id));
  const saveState = last || performance.now() - lastSave >= SAVE_EVERY_MS;
  if (saveState) lastSave = performance.now();
  return (async () => {
    await saveBatch(cropped, saveState ? { modelKey: next.modelKey, state: next.state, processed: [...processed] } : null, newMeans, meta(), next.modelKey);
    if (skippedIds.size > 0) await deletePhotos([...skippedIds], meta());
  })();
}
