/**
 * A model's bytes, from wherever they come: a download (refused past the size limit before
 * the body is read, with progress, and cancellable), Cache Storage (so a reload in class
 * does not download again), or files dropped on the page. No onnxruntime here.
 */
import { readCachedModel, storeCachedModel } from '../app/modelCache';
import { MAX_MODEL_BYTES, megabytes, tooLargeMessage } from '../model/limits';
import type { ModelSource } from './protocol';
import { WorkerError, errorText } from './workerError';

/** An external data file, matched by onnxruntime to the model's `location` by its path. */
export interface ExternalData {
  path: string;
  data: Uint8Array;
}

export interface ModelBytes {
  bytes: Uint8Array;
  externalData: ExternalData[];
  fileName: string;
  fromCache: boolean;
}

/** 'download': bytes of a URL; 'read': bytes of dropped files. */
export type ByteProgress = (stage: 'download' | 'read', loaded: number, total: number | null) => void;

export interface ModelCache {
  read(url: string): Promise<Uint8Array | null>;
  store(url: string, bytes: Uint8Array): Promise<void>;
}

const CACHE_STORAGE: ModelCache = { read: readCachedModel, store: storeCachedModel };

/** Progress messages at most this often: a fast download must not flood the page. */
const PROGRESS_EVERY_MS = 50;

/**
 * The download in flight, so 'cancel-download' (answered at once, not queued) can stop it.
 * Loads wait their turn in the run queue, so there is never more than one.
 */
export class ModelDownloads {
  private current: AbortController | null = null;

  cancel(): void {
    this.current?.abort();
  }

  async download(url: string, progress: ByteProgress): Promise<Uint8Array> {
    const abort = new AbortController();
    this.current = abort;
    try {
      return await downloadModel(url, abort.signal, progress);
    } catch (e) {
      if (abort.signal.aborted) throw new WorkerError('cancelled', 'Download cancelled.');
      throw e;
    } finally {
      if (this.current === abort) this.current = null;
    }
  }
}

/**
 * The model at `url`, whole. The announced size is checked before a byte of the body is
 * read, and the bytes counted while reading, since a server may announce nothing (or lie).
 */
export async function downloadModel(url: string, signal: AbortSignal, progress: ByteProgress, now: () => number = () => performance.now()): Promise<Uint8Array> {
  let response: Response;
  try {
    response = await fetch(url, { signal });
  } catch (e) {
    throw new WorkerError('model-download', `Could not download the model from ${url}: ${errorText(e)}`);
  }
  if (!response.ok) throw new WorkerError('model-download', `Could not download the model: ${url} answered ${response.status} ${response.statusText}`);
  const header = response.headers.get('content-length');
  // A compressed response's length is not the model's.
  const total = header && !response.headers.get('content-encoding') ? Number(header) : null;
  const tooLarge = total === null ? null : tooLargeMessage(total, `The model at ${url}`);
  if (tooLarge) {
    await response.body?.cancel();
    throw new WorkerError('too-large', tooLarge);
  }
  if (!response.body) return new Uint8Array(await response.arrayBuffer());
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  let lastPost = -Infinity;
  const lost = (why: string) =>
    new WorkerError('model-download', `The connection was lost after ${megabytes(loaded)}${total ? ` of ${megabytes(total)}` : ''} of ${url} (${why}). Nothing was kept; try again.`);
  for (;;) {
    let part: ReadableStreamReadResult<Uint8Array>;
    try {
      part = await reader.read();
    } catch (e) {
      throw lost(errorText(e));
    }
    const { done, value } = part;
    if (done) break;
    chunks.push(value);
    loaded += value.byteLength;
    if (loaded > MAX_MODEL_BYTES) {
      await reader.cancel();
      throw new WorkerError('too-large', tooLargeMessage(loaded, `The model at ${url}`)!);
    }
    const t = now();
    if (t - lastPost > PROGRESS_EVERY_MS) {
      progress('download', loaded, total);
      lastPost = t;
    }
  }
  if (total !== null && loaded !== total) throw lost(`the server announced ${total} bytes`);
  progress('download', loaded, total ?? loaded);
  return concat(chunks, loaded);
}

function concat(chunks: Uint8Array[], length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  let offset = 0;
  for (const c of chunks) {
    bytes.set(c, offset);
    offset += c.byteLength;
  }
  return bytes;
}

/** The model's bytes (and external data files) from a URL, the cache, or dropped files. */
export async function readModelSource(source: ModelSource, progress: ByteProgress, downloads: ModelDownloads, cache: ModelCache = CACHE_STORAGE): Promise<ModelBytes> {
  if (source.kind === 'url') {
    const fileName = decodeURIComponent(new URL(source.url).pathname.split('/').pop() || 'model.onnx');
    if (source.cache) {
      const cached = await cache.read(source.url).catch(() => null);
      if (cached) {
        progress('download', cached.byteLength, cached.byteLength);
        return { bytes: cached, externalData: [], fileName, fromCache: true };
      }
    }
    const bytes = await downloads.download(source.url, progress);
    if (source.cache) await cache.store(source.url, bytes);
    return { bytes, externalData: [], fileName, fromCache: false };
  }
  const files = [source.model, ...source.externalData];
  const total = files.reduce((sum, f) => sum + f.size, 0);
  // Checked from the sizes alone, before a byte is read.
  const tooLarge = tooLargeMessage(total, files.length > 1 ? `"${source.model.name}" with its data files` : `"${source.model.name}"`);
  if (tooLarge) throw new WorkerError('too-large', tooLarge);
  progress('read', 0, total);
  const bytes = new Uint8Array(await source.model.arrayBuffer());
  const externalData: ExternalData[] = [];
  let loaded = bytes.byteLength;
  for (const f of source.externalData) {
    progress('read', loaded, total);
    const data = new Uint8Array(await f.arrayBuffer());
    loaded += data.byteLength;
    externalData.push({ path: f.name, data });
  }
  progress('read', total, total);
  return { bytes, externalData, fileName: source.model.name, fromCache: false };
}

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}
