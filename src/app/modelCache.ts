/**
 * Downloaded models kept in Cache Storage, keyed by URL, so a page reload in class
 * does not download them again. Used by the worker (read/write) and the page (list,
 * clear); both see the same origin's caches. Where Cache Storage is missing (an
 * insecure context) every call is a harmless no-op.
 */
export const MODEL_CACHE_NAME = 'convlens-models-v1';
/** A Hugging Face model's listing, config.json and preprocessor_config.json (src/app/hubClient.ts); cleared with the models. */
export const HUB_META_CACHE_NAME = 'convlens-hub-meta-v1';

export interface CachedModel {
  url: string;
  bytes: number;
  storedAt: string;
}

function storage(): CacheStorage | null {
  return typeof caches === 'undefined' ? null : caches;
}

export async function readCachedModel(url: string): Promise<Uint8Array | null> {
  const s = storage();
  if (!s) return null;
  const hit = await (await s.open(MODEL_CACHE_NAME)).match(url);
  return hit ? new Uint8Array(await hit.arrayBuffer()) : null;
}

export async function storeCachedModel(url: string, bytes: Uint8Array): Promise<void> {
  const s = storage();
  if (!s) return;
  const headers = { 'content-type': 'application/octet-stream', 'content-length': String(bytes.byteLength), 'x-convlens-stored': new Date().toISOString() };
  try {
    await (await s.open(MODEL_CACHE_NAME)).put(url, new Response(bytes as Uint8Array<ArrayBuffer>, { headers }));
  } catch {
    // Out of quota or private mode: the model still loads, it just is not kept.
  }
}

export async function listCachedModels(): Promise<CachedModel[]> {
  const s = storage();
  if (!s || !(await s.has(MODEL_CACHE_NAME))) return [];
  const cache = await s.open(MODEL_CACHE_NAME);
  const out: CachedModel[] = [];
  for (const request of await cache.keys()) {
    const response = await cache.match(request);
    out.push({
      url: request.url,
      bytes: Number(response?.headers.get('content-length') ?? 0),
      storedAt: response?.headers.get('x-convlens-stored') ?? '',
    });
  }
  return out;
}

export async function clearCachedModels(): Promise<void> {
  await storage()?.delete(MODEL_CACHE_NAME);
  await storage()?.delete(HUB_META_CACHE_NAME);
}
