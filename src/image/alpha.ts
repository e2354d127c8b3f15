/**
 * Alpha handling before resampling: an opaque RGBA buffer is read in place, anything
 * else is flattened to RGB first (resize.ts ignores alpha).
 */
import type { RgbImage } from './types';

/** Typed-array views use platform byte order; the uint32 fast path assumes little-endian and falls back otherwise. */
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/**
 * True when every alpha byte is 255, so an RGBA buffer can be resampled in place
 * with alpha ignored, with no compositing needed.
 */
export function isOpaque(rgba: Uint8Array | Uint8ClampedArray): boolean {
  if (rgba.byteOffset % 4 === 0 && rgba.length % 4 === 0) {
    // One 32-bit compare per pixel; the alpha byte is the top byte on little-endian, the bottom on big-endian.
    const mask = LITTLE_ENDIAN ? 0xff000000 : 0x000000ff;
    const px = new Uint32Array(rgba.buffer, rgba.byteOffset, rgba.length >> 2);
    for (let i = 0; i < px.length; i++) if ((px[i]! & mask) !== (mask | 0)) return false;
    return true;
  }
  for (let i = 3; i < rgba.length; i += 4) if (rgba[i] !== 255) return false;
  return true;
}

/**
 * RGBA -> packed RGB, compositing non-opaque pixels over `background`.
 *
 * The default background is white [255, 255, 255]: transparent regions of logos
 * and screenshots are meant to be seen on a light page, and a canvas hands us
 * fully transparent pixels as black (premultiplied storage loses their colour),
 * which would otherwise turn into black blobs for the network.
 *
 * Pass `null` to drop alpha without compositing, which is what
 * `PIL.Image.convert('RGB')` does; only that matches torchvision for translucent
 * PNGs, and only when the decoder kept un-premultiplied colours. For opaque
 * pixels (alpha 255) all choices are identical: alpha is simply dropped.
 *
 * Compositing is `round((c * a + bg * (255 - a)) / 255)` in integers.
 */
export function rgbaToRgb(
  data: Uint8ClampedArray | Uint8Array,
  width: number,
  height: number,
  background: [number, number, number] | null = [255, 255, 255],
): RgbImage {
  for (const [n, v] of [['width', width], ['height', height]] as const) {
    if (!Number.isInteger(v) || v <= 0) throw new RangeError(`${n} must be a positive integer, got ${v}`);
  }
  const n = width * height;
  if (data.length !== n * 4) throw new RangeError(`RGBA data has ${data.length} bytes, expected ${n * 4}`);
  const src = data instanceof Uint8Array ? data : new Uint8Array(data.buffer, data.byteOffset, data.length);
  const out = new Uint8Array(n * 3);
  const br = background ? background[0] : 0;
  const bg = background ? background[1] : 0;
  const bb = background ? background[2] : 0;
  for (let i = 0, p = 0, o = 0; i < n; i++, p += 4, o += 3) {
    const a = src[p + 3]!;
    const r = src[p]!;
    const g = src[p + 1]!;
    const b = src[p + 2]!;
    if (a === 255 || background === null) {
      out[o] = r;
      out[o + 1] = g;
      out[o + 2] = b;
    } else {
      const ia = 255 - a;
      // +127 then floor == round-half-up of x/255; no ties since 255 is odd.
      out[o] = ((r * a + br * ia + 127) / 255) | 0;
      out[o + 1] = ((g * a + bg * ia + 127) / 255) | 0;
      out[o + 2] = ((b * a + bb * ia + 127) / 255) | 0;
    }
  }
  return { width, height, data: out };
}
