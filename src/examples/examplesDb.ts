/**
 * The Examples view's photos and results in IndexedDB, so a reload brings them back without
 * recomputing. Photos are kept as the crops the model saw (PNG, lossless); nothing here ever
 * leaves the tab. Results are kept per model (its key): the examples so far with the photos
 * they include, and each photo's per-channel means.
 */
import type { TopKState } from './topK';

const DB_NAME = 'convlens-examples';
const VERSION = 1;
const PHOTOS = 'photos';
const RESULTS = 'results';
const MEANS = 'means';
const META = 'meta';

export interface StoredPhoto {
  id: number;
  name: string;
  sampleId: string | null;
  /** The file until the worker has cropped it, then the crop (PNG). */
  image: Blob;
  isCrop: boolean;
}

export interface StoredResults {
  modelKey: string;
  state: TopKState | null;
  /** Photos in `state` (and skipped ones), by id. */
  processed: number[];
}

export interface StoredMeta {
  nextId: number;
  skipped: { name: string; reason: string }[];
  samplesRemoved: boolean;
}

function request<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error ?? new Error('IndexedDB request failed'));
  });
}

function done(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed'));
    tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
  });
}

let opened: Promise<IDBDatabase> | null = null;

function db(): Promise<IDBDatabase> {
  opened ??= new Promise((resolve, reject) => {
    const r = indexedDB.open(DB_NAME, VERSION);
    r.onupgradeneeded = () => {
      const d = r.result;
      d.createObjectStore(PHOTOS, { keyPath: 'id' });
      d.createObjectStore(RESULTS, { keyPath: 'modelKey' });
      d.createObjectStore(MEANS);
      d.createObjectStore(META);
    };
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error ?? new Error('IndexedDB could not be opened'));
  });
  return opened;
}

const meansKey = (modelKey: string, photo: number) => `${modelKey}\u0000${photo}`;

export async function loadPhotos(): Promise<{ photos: StoredPhoto[]; meta: StoredMeta | null }> {
  const tx = (await db()).transaction([PHOTOS, META], 'readonly');
  const photos = await request(tx.objectStore(PHOTOS).getAll() as IDBRequest<StoredPhoto[]>);
  const meta = (await request(tx.objectStore(META).get('meta') as IDBRequest<StoredMeta | undefined>)) ?? null;
  return { photos: photos.sort((a, b) => a.id - b.id), meta };
}

export async function loadResults(modelKey: string): Promise<{ results: StoredResults | null; means: Map<number, Float32Array> }> {
  const tx = (await db()).transaction([RESULTS, MEANS], 'readonly');
  const results = (await request(tx.objectStore(RESULTS).get(modelKey) as IDBRequest<StoredResults | undefined>)) ?? null;
  const means = new Map<number, Float32Array>();
  const range = IDBKeyRange.bound(`${modelKey}\u0000`, `${modelKey}\u0001`, false, true);
  const keys = (await request(tx.objectStore(MEANS).getAllKeys(range))) as string[];
  const values = (await request(tx.objectStore(MEANS).getAll(range))) as Float32Array[];
  keys.forEach((k, i) => means.set(Number(k.slice(modelKey.length + 1)), values[i]!));
  return { results, means };
}

export async function savePhotos(photos: readonly StoredPhoto[], meta: StoredMeta): Promise<void> {
  const tx = (await db()).transaction([PHOTOS, META], 'readwrite');
  for (const p of photos) tx.objectStore(PHOTOS).put(p);
  tx.objectStore(META).put(meta, 'meta');
  await done(tx);
}

export async function deletePhotos(ids: readonly number[], meta: StoredMeta): Promise<void> {
  const tx = (await db()).transaction([PHOTOS, META], 'readwrite');
  for (const id of ids) tx.objectStore(PHOTOS).delete(id);
  tx.objectStore(META).put(meta, 'meta');
  await done(tx);
}

/** One batch's outcome: the crops it made, the photos' means, and (when given) the examples with what they include. */
export async function saveBatch(photos: readonly StoredPhoto[], results: StoredResults | null, means: ReadonlyMap<number, Float32Array>, meta: StoredMeta, modelKey: string): Promise<void> {
  const tx = (await db()).transaction([PHOTOS, RESULTS, MEANS, META], 'readwrite');
  for (const p of photos) tx.objectStore(PHOTOS).put(p);
  if (results) tx.objectStore(RESULTS).put(results);
  for (const [id, m] of means) tx.objectStore(MEANS).put(m, meansKey(modelKey, id));
  tx.objectStore(META).put(meta, 'meta');
  await done(tx);
}

/** Every result of every model (the photos they came from changed). */
export async function clearResults(): Promise<void> {
  const tx = (await db()).transaction([RESULTS, MEANS], 'readwrite');
  tx.objectStore(RESULTS).clear();
  tx.objectStore(MEANS).clear();
  await done(tx);
}

/** Forget photos: everything, results included. */
export async function clearAll(meta: StoredMeta): Promise<void> {
  const tx = (await db()).transaction([PHOTOS, RESULTS, MEANS, META], 'readwrite');
  for (const s of [PHOTOS, RESULTS, MEANS]) tx.objectStore(s).clear();
  tx.objectStore(META).put(meta, 'meta');
  await done(tx);
}
