import { afterEach, describe, expect, it, vi } from 'vitest';
import { MAX_MODEL_BYTES, tooLargeMessage } from '../model/limits';
import { downloadModel, ModelDownloads, readModelSource, type ByteProgress, type ModelCache } from './modelBytes';
import { WorkerError } from './workerError';

const URL_ = 'https://models.example.org/convnext/model.onnx';

type Progress = [stage: string, loaded: number, total: number | null];

function recorder() {
  const calls: Progress[] = [];
  return { calls, progress: (stage: 'download' | 'read', loaded: number, total: number | null) => void calls.push([stage, loaded, total]) };
}

/** A response streaming `chunks`, then ending (or failing with `error`). */
function streamed(chunks: number[][], headers: Record<string, string> = {}, error?: Error): Response {
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const c of chunks) controller.enqueue(new Uint8Array(c));
      if (error) controller.error(error);
      else controller.close();
    },
  });
  return new Response(body, { headers });
}

/** fetch answering every request with `respond()`; the calls are kept. */
function stubFetch(respond: (signal: AbortSignal) => Response | Promise<Response>) {
  const fetch = vi.fn((_url: string, init: { signal: AbortSignal }) => Promise.resolve(respond(init.signal)));
  vi.stubGlobal('fetch', fetch);
  return fetch;
}

/** A clock that moves `step` ms each time it is read. */
function clock(step: number) {
  let t = 0;
  return () => (t += step);
}

async function failure(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  const e = await promise.then(
    () => null,
    (error: unknown) => error,
  );
  expect(e).toBeInstanceOf(WorkerError);
  const { code, message } = e as WorkerError;
  return { code, message };
}

/** How a download of URL_ fails. */
const downloadFailure = (progress: ByteProgress = () => undefined) => failure(downloadModel(URL_, new AbortController().signal, progress));

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('downloadModel', () => {
  it('returns the bytes whole, with progress at most every 50 ms and a last one at the end', async () => {
    stubFetch(() => streamed([[1, 2, 3], [4, 5], [6], [7, 8]], { 'content-length': '8' }));
    const { calls, progress } = recorder();
    const bytes = await downloadModel(URL_, new AbortController().signal, progress, clock(30));
    expect([...bytes]).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    // Chunks read at 30, 60, 90 and 120 ms: progress at the first, at 90 (50 ms later), then the end.
    expect(calls).toEqual([
      ['download', 3, 8],
      ['download', 6, 8],
      ['download', 8, 8],
    ]);
  });

  it('reports the size counted when the server announces none, or a compressed one', async () => {
    stubFetch(() => streamed([[1, 2], [3]], { 'content-length': '2', 'content-encoding': 'gzip' }));
    const { calls, progress } = recorder();
    expect([...(await downloadModel(URL_, new AbortController().signal, progress, clock(100)))]).toEqual([1, 2, 3]);
    expect(calls.at(-1)).toEqual(['download', 3, 3]);
    expect(calls[0]).toEqual(['download', 2, null]);
  });

  it('refuses a model announced past the limit before reading its body', async () => {
    let cancelled = false;
    const body = new ReadableStream<Uint8Array>({
      start: (controller) => controller.enqueue(new Uint8Array([1, 2, 3])),
      cancel: () => void (cancelled = true),
    });
    stubFetch(() => new Response(body, { headers: { 'content-length': String(MAX_MODEL_BYTES + 1) } }));
    const { calls, progress } = recorder();
    expect(await downloadFailure(progress)).toEqual({
      code: 'too-large',
      message: tooLargeMessage(MAX_MODEL_BYTES + 1, `The model at ${URL_}`),
    });
    expect(cancelled).toBe(true);
    expect(calls).toEqual([]);
  });

  it('stops reading once the bytes counted pass the limit, whatever was announced', async () => {
    // Chunks that only say how long they are: a real 1.5 GB would not fit in a test.
    const half = { byteLength: MAX_MODEL_BYTES / 2 + 1 } as Uint8Array;
    let reads = 0;
    let cancelled = false;
    const reader = {
      read: () => Promise.resolve(reads++ < 5 ? { done: false, value: half } : { done: true, value: undefined }),
      cancel: () => Promise.resolve(void (cancelled = true)),
    };
    stubFetch(() => ({ ok: true, headers: new Headers(), body: { getReader: () => reader } }) as unknown as Response);
    expect(await downloadFailure()).toEqual({
      code: 'too-large',
      message: tooLargeMessage(2 * half.byteLength, `The model at ${URL_}`),
    });
    expect(reads).toBe(2);
    expect(cancelled).toBe(true);
  });

  it('says how far it got when the connection drops, or when the body is shorter than announced', async () => {
    stubFetch(() => streamed([[1, 2, 3]], { 'content-length': '2000000' }, new Error('net::ERR_CONNECTION_RESET')));
    expect(await downloadFailure()).toEqual({
      code: 'model-download',
      message: `The connection was lost after 0.0 MB of 2.0 MB of ${URL_} (net::ERR_CONNECTION_RESET). Nothing was kept; try again.`,
    });
    stubFetch(() => streamed([[1, 2, 3]], { 'content-length': '5' }));
    expect(await downloadFailure()).toEqual({
      code: 'model-download',
      message: `The connection was lost after 0.0 MB of 0.0 MB of ${URL_} (the server announced 5 bytes). Nothing was kept; try again.`,
    });
  });

  it('turns an HTTP error or a failed request into a download error', async () => {
    stubFetch(() => new Response('missing', { status: 404, statusText: 'Not Found' }));
    expect(await downloadFailure()).toEqual({
      code: 'model-download',
      message: `Could not download the model: ${URL_} answered 404 Not Found`,
    });
    stubFetch(() => Promise.reject(new TypeError('Failed to fetch')));
    expect(await downloadFailure()).toEqual({
      code: 'model-download',
      message: `Could not download the model from ${URL_}: Failed to fetch`,
    });
  });
});

describe('ModelDownloads', () => {
  it('cancel() stops the download in flight with a "cancelled" error', async () => {
    // The body never ends by itself; aborting the request fails it, as a browser's fetch does.
    stubFetch((signal) => {
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new Uint8Array([1, 2]));
          signal.addEventListener('abort', () => controller.error(new DOMException('aborted', 'AbortError')));
        },
      });
      return new Response(body);
    });
    const downloads = new ModelDownloads();
    const download = downloads.download(URL_, () => undefined);
    downloads.cancel();
    expect(await failure(download)).toEqual({ code: 'cancelled', message: 'Download cancelled.' });
    downloads.cancel(); // nothing in flight: nothing happens
  });
});

describe('readModelSource', () => {
  const noCache: ModelCache = { read: () => Promise.reject(new Error('no Cache Storage')), store: () => Promise.resolve() };

  it('dropped files: sizes checked before reading, then read with progress, data files by name', async () => {
    const model = new File([new Uint8Array([1, 2, 3])], 'net.onnx');
    const data = new File([new Uint8Array([4, 5])], 'net.onnx.data');
    const { calls, progress } = recorder();
    const read = await readModelSource({ kind: 'files', model, externalData: [data] }, progress, new ModelDownloads(), noCache);
    expect([...read.bytes]).toEqual([1, 2, 3]);
    expect(read.externalData.map((d) => [d.path, [...d.data]])).toEqual([['net.onnx.data', [4, 5]]]);
    expect(read.fileName).toBe('net.onnx');
    expect(read.fromCache).toBe(false);
    expect(calls).toEqual([
      ['read', 0, 5],
      ['read', 3, 5],
      ['read', 5, 5],
    ]);
  });

  it('dropped files too large together are refused unread', async () => {
    const unread = () => Promise.reject(new Error('read'));
    const model = { name: 'big.onnx', size: MAX_MODEL_BYTES, arrayBuffer: unread } as unknown as File;
    const data = { name: 'big.onnx.data', size: 1, arrayBuffer: unread } as unknown as File;
    expect(await failure(readModelSource({ kind: 'files', model, externalData: [data] }, () => undefined, new ModelDownloads(), noCache))).toEqual({
      code: 'too-large',
      message: tooLargeMessage(MAX_MODEL_BYTES + 1, '"big.onnx" with its data files'),
    });
  });

  it('a cached model is not downloaded again; a downloaded one is stored', async () => {
    const stored = new Map<string, Uint8Array>();
    const cache: ModelCache = { read: (url) => Promise.resolve(stored.get(url) ?? null), store: (url, bytes) => Promise.resolve(void stored.set(url, bytes)) };
    const fetch = stubFetch(() => streamed([[9, 8, 7]]));
    const url = 'https://huggingface.co/org/repo/resolve/main/onnx/model%20v2.onnx';
    const first = await readModelSource({ kind: 'url', url, cache: true }, () => undefined, new ModelDownloads(), cache);
    expect(first).toMatchObject({ fileName: 'model v2.onnx', fromCache: false });
    const { calls, progress } = recorder();
    const second = await readModelSource({ kind: 'url', url, cache: true }, progress, new ModelDownloads(), cache);
    expect(second).toMatchObject({ fileName: 'model v2.onnx', fromCache: true });
    expect([...second.bytes]).toEqual([9, 8, 7]);
    expect(calls).toEqual([['download', 3, 3]]);
    expect(fetch).toHaveBeenCalledTimes(1);
  });

  it('without caching, or when the cache cannot be read, it downloads', async () => {
    const fetch = stubFetch(() => streamed([[1]]));
    await readModelSource({ kind: 'url', url: URL_, cache: false }, () => undefined, new ModelDownloads(), noCache);
    const read = await readModelSource({ kind: 'url', url: URL_, cache: true }, () => undefined, new ModelDownloads(), noCache);
    expect(read).toMatchObject({ fileName: 'model.onnx', fromCache: false });
    expect(fetch).toHaveBeenCalledTimes(2);
  });
});
