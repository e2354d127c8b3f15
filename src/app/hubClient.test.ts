import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { HubCancelled, HubError, listRepo, repoJson } from './hubClient';

const ref = { repo: 'owner/name', revision: 'main', file: null };
const LISTING = { id: 'owner/name', siblings: [{ rfilename: 'onnx/model.onnx', size: 10, lfs: { size: 10 } }, { rfilename: 'config.json', size: 2 }] };

/** A Cache Storage with one cache, enough for hubClient. */
function memoryCaches() {
  const store = new Map<string, string>();
  const cache = {
    match: async (url: string) => (store.has(url) ? new Response(store.get(url)) : undefined),
    put: async (url: string, response: Response) => void store.set(url, await response.text()),
  };
  return { store, caches: { open: async () => cache } };
}

let fetchMock: ReturnType<typeof vi.fn>;
let mem: ReturnType<typeof memoryCaches>;
beforeEach(() => {
  mem = memoryCaches();
  fetchMock = vi.fn();
  vi.stubGlobal('fetch', fetchMock);
  vi.stubGlobal('caches', mem.caches);
});
afterEach(() => vi.unstubAllGlobals());

const signal = () => new AbortController().signal;

describe('listRepo', () => {
  it('asks the public API without credentials and keeps the answer', async () => {
    fetchMock.mockResolvedValue(new Response(JSON.stringify(LISTING)));
    const listing = await listRepo(ref, signal());
    expect(fetchMock).toHaveBeenCalledWith('https://huggingface.co/api/models/owner/name?blobs=true', expect.objectContaining({ credentials: 'omit' }));
    expect(listing).toEqual({ files: [{ path: 'onnx/model.onnx', bytes: 10 }, { path: 'config.json', bytes: 2 }], offline: false });
    expect(mem.store.has('https://huggingface.co/api/models/owner/name?blobs=true')).toBe(true);
  });
  it('says "no public model" for 401 and 404, and never falls back to the cache for them', async () => {
    mem.store.set('https://huggingface.co/api/models/owner/name?blobs=true', JSON.stringify(LISTING));
    fetchMock.mockResolvedValue(new Response('{}', { status: 404 }));
    await expect(listRepo(ref, signal())).rejects.toThrow(/no public model "owner\/name" \(HTTP 404\)/);
    fetchMock.mockResolvedValue(new Response('{}', { status: 401 }));
    await expect(listRepo(ref, signal())).rejects.toThrow(/HTTP 401.*private and gated/);
  });
  it('offline: the kept listing, marked as such; without one, a clear error', async () => {
    fetchMock.mockRejectedValue(new TypeError('Failed to fetch'));
    await expect(listRepo(ref, signal())).rejects.toThrow(HubError);
    await expect(listRepo(ref, signal())).rejects.toThrow(/Could not reach huggingface\.co/);
    mem.store.set('https://huggingface.co/api/models/owner/name?blobs=true', JSON.stringify(LISTING));
    expect((await listRepo(ref, signal())).offline).toBe(true);
  });
  it('an aborted request is a cancellation, not an error', async () => {
    fetchMock.mockRejectedValue(new DOMException('aborted', 'AbortError'));
    await expect(listRepo(ref, signal())).rejects.toBeInstanceOf(HubCancelled);
  });
});

describe('repoJson', () => {
  it('reads the cache first, else the resolve URL (then kept)', async () => {
    fetchMock.mockResolvedValue(new Response('{"id2label":{"0":"a"}}'));
    expect(await repoJson(ref, 'config.json', signal())).toEqual({ id2label: { '0': 'a' } });
    expect(fetchMock).toHaveBeenCalledWith('https://huggingface.co/owner/name/resolve/main/config.json', expect.anything());
    fetchMock.mockClear();
    expect(await repoJson(ref, 'config.json', signal())).toEqual({ id2label: { '0': 'a' } });
    expect(fetchMock).not.toHaveBeenCalled();
  });
  it('names the file that is not JSON', async () => {
    fetchMock.mockResolvedValue(new Response('<html>'));
    await expect(repoJson(ref, 'preprocessor_config.json', signal())).rejects.toThrow(/preprocessor_config\.json of owner\/name is not valid JSON/);
  });
});
