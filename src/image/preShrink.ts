/**
 * Photos larger than this on their long side are shrunk by the browser while
 * decoding, before the PIL-exact resize. A 16000x12000 photo would otherwise need
 * 768 MB of RGBA in the worker, twice over. The model sees 224x224 either way; the
 * cost is that for such photos the crop matches PyTorch only approximately (the
 * browser's filter is not PIL's).
 */
export const MAX_DECODE_SIDE = 4096;

/** Size to decode a width x height image at, or null when it fits as it is. */
export function preShrinkSize(width: number, height: number, maxSide = MAX_DECODE_SIDE): { width: number; height: number } | null {
  const longSide = Math.max(width, height);
  if (longSide <= maxSide) return null;
  const scale = maxSide / longSide;
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}
