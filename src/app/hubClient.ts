/**
 * The page's few small requests to the Hugging Face Hub: the repo's file list and its
 * config.json / preprocessor_config.json. The model file itself is downloaded by the
 * worker (its download-with-limit-and-progress and Cache Storage, as for any Model URL).
 *
 * Caching: the JSON files are kept in their own cache, keyed by URL, so a model kept
 * in Cache Storage opens offline with the labels and preprocessing it came with.
 * The listing is asked for fresh when online (a repo can gain a variant), its last
 * copy used when the network is gone; config files are read from the cache first,
 * like the model they belong to.
 */
import { apiUrl, fileUrl, filesFromListing, HubRefError, type HubFile, type HubRef } from './hub';
import { HUB_META_CACHE_NAME } from './modelCache';

export class HubError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HubError';
  }
}

function storage(): CacheStorage | null {
  return typeof caches === 'undefined' ? null : caches;
}

async function fromCache(url: string): Promise<Response | null> {
  const s = storage();
  if (!s) return null;
  try {
    return (await (await s.open(HUB_META_CACHE_NAME)).match(url)) ?? null;
  } catch {
    return null;
  }
}

async function toCache(url: string, text: string): Promise<void> {
  const s = storage();
  if (!s) return;
  try {
    await (await s.open(HUB_META_CACHE_NAME)).put(url, new Response(text, { headers: { 'content-type': 'application/json' } }));
  } catch {
    // Out of quota or private mode: it still loads, it is just not kept.
  }
}

function isAbort(e: unknown): boolean {
  return e instanceof DOMException && e.name === 'AbortError';
}

export class HubCancelled extends Error {
  constructor() {
    super('Download cancelled.');
    this.name = 'HubCancelled';
  }
}

/** GET a small JSON file; `what` names it in messages. Status codes become sentences. */
async function getJson(url: string, what: string, repo: string, signal: AbortSignal): Promise<{ json: unknown; text: string }> {
  let response: Response;
  try {
    response = await fetch(url, { signal, credentials: 'omit' });
  } catch (e) {
    if (isAbort(e)) throw new HubCancelled();
    throw new HubError(`Could not reach huggingface.co for ${what} of ${repo}: ${e instanceof Error ? e.message : String(e)}. Check the connection.`);
  }
  if (response.status === 401 || response.status === 403 || response.status === 404) {
    throw new HubError(
      what === 'the file list'
        ? `Hugging Face has no public model "${repo}" (HTTP ${response.status}). Check the spelling; private and gated models cannot be loaded here (ConvLens never signs in).`
        : `${repo} has no ${what} (HTTP ${response.status}).`,
    );
  }
  if (!response.ok) throw new HubError(`huggingface.co answered ${response.status} ${response.statusText} for ${what} of ${repo}.`);
  let text: string;
  try {
    text = await response.text();
  } catch (e) {
    if (isAbort(e)) throw new HubCancelled();
    throw new HubError(`The connection was lost while reading ${what} of ${repo}.`);
  }
  try {
    return { json: JSON.parse(text) as unknown, text };
  } catch {
    throw new HubError(`${what} of ${repo} is not valid JSON.`);
  }
}

export interface HubListing {
  files: HubFile[];
  /** The answer came from the cache: the network was not reachable. */
  offline: boolean;
}

/** The repo's files with sizes; offline, the last listing kept in the cache. */
export async function listRepo(ref: HubRef, signal: AbortSignal): Promise<HubListing> {
  const url = apiUrl(ref);
  try {
    const { json, text } = await getJson(url, 'the file list', ref.repo, signal);
    const files = filesOf(json, ref.repo);
    await toCache(url, text);
    return { files, offline: false };
  } catch (e) {
    if (e instanceof HubCancelled) throw e;
    // Only a network failure falls back: a 404 is an answer, not an outage.
    if (e instanceof HubError && /Could not reach/.test(e.message)) {
      const cached = await fromCache(url);
      if (cached) return { files: filesOf(await cached.json(), ref.repo), offline: true };
    }
    throw e;
  }
}

function filesOf(json: unknown, repo: string): HubFile[] {
  try {
    return filesFromListing(json);
  } catch (e) {
    throw new HubError(`${repo}: ${e instanceof HubRefError ? e.message : String(e)}`);
  }
}

/** A small JSON file of the repo (config.json, preprocessor_config.json): cache first, else the network (then kept). */
export async function repoJson(ref: HubRef, path: string, signal: AbortSignal): Promise<unknown> {
  const url = fileUrl(ref, path);
  const cached = await fromCache(url);
  if (cached) return (await cached.json()) as unknown;
  const { json, text } = await getJson(url, path, ref.repo, signal);
  await toCache(url, text);
  return json;
}
