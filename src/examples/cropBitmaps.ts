/**
 * Decoded crops for the mosaics, by photo id: decoded once (off the main thread, by
 * createImageBitmap) and kept while in use; the oldest are closed past a bound so a thousand
 * photos never hold a thousand bitmaps.
 */
const MAX_BITMAPS = 300;
const cache = new Map<number, { blob: Blob; bitmap: Promise<ImageBitmap> }>();

export function cropBitmap(id: number, blob: Blob): Promise<ImageBitmap> {
  const hit = cache.get(id);
  if (hit && hit.blob === blob) {
    cache.delete(id);
    cache.set(id, hit); // most recently used last
    return hit.bitmap;
  }
  const bitmap = createImageBitmap(blob, { premultiplyAlpha: 'none', colorSpaceConversion: 'none' });
  cache.set(id, { blob, bitmap });
  while (cache.size > MAX_BITMAPS) {
    const [oldest, entry] = cache.entries().next().value!;
    cache.delete(oldest);
    void entry.bitmap.then((b) => b.close(), () => undefined);
  }
  return bitmap;
}

export function forgetBitmaps(): void {
  for (const entry of cache.values()) void entry.bitmap.then((b) => b.close(), () => undefined);
  cache.clear();
}
