/**
 * From a photo file or a camera frame to raw RGBA pixels, with the browser's own decoder
 * (createImageBitmap, so EXIF rotation is applied), the one way for both: pre-shrunk when
 * huge, then read back from a 2D canvas. Runs in the worker; the pure steps after it
 * (resize, crop, normalise) are preprocess.ts.
 */
import { mirrorRgbaInPlace } from './mirror';
import { pngFrameCount } from './pngFrames';
import { preShrinkSize } from './preShrink';
import { SNIFF_BYTES, TRUNCATED_JPEG_MESSAGE, jpegIsTruncated, sniffFormat, undecodableMessage, type ImageFormat } from './sniff';

/** A photo the browser cannot turn into pixels; the message says why in words a student can act on. */
export class DecodeError extends Error {}

export interface Decoded {
  rgba: Uint8ClampedArray;
  width: number;
  height: number;
  /** Size after EXIF rotation, before any pre-shrinking. */
  source: { width: number; height: number };
  format: ImageFormat;
  frames: number | null;
}

type Pixels = Omit<Decoded, 'format' | 'frames'>;

// Raw decoded values, as PIL sees them: no colour management, no premultiplication.
const BITMAP_OPTIONS: ImageBitmapOptions = { imageOrientation: 'from-image', premultiplyAlpha: 'none', colorSpaceConversion: 'none' };

/**
 * Frames of an animated image: a PNG's from its chunks (src/image/pngFrames.ts), a GIF's or
 * WebP's from the browser's own decoder (WebCodecs); null where unknown.
 */
async function frameCount(image: Blob, format: ImageFormat): Promise<number | null> {
  if (format === 'png') return pngFrameCount(new Uint8Array(await image.arrayBuffer()));
  if (typeof ImageDecoder === 'undefined' || (format !== 'gif' && format !== 'webp')) return null;
  let decoder: ImageDecoder | null = null;
  try {
    decoder = new ImageDecoder({ data: image.stream(), type: `image/${format}` });
    await decoder.completed;
    return decoder.tracks.selectedTrack?.frameCount ?? null;
  } catch {
    return null;
  } finally {
    decoder?.close();
  }
}

/** `frames: false` leaves the frame count out (null): the Examples view's folders do not show it. */
export async function decodeImage(image: Blob, { frames: countFrames = true }: { frames?: boolean } = {}): Promise<Decoded> {
  const head = new Uint8Array(await image.slice(0, SNIFF_BYTES).arrayBuffer());
  const format = sniffFormat(head);
  // Chrome decodes a cut-off JPEG without complaint, greying out the missing part.
  if (format === 'jpeg' && jpegIsTruncated(new Uint8Array(await image.arrayBuffer()))) throw new DecodeError(TRUNCATED_JPEG_MESSAGE);
  // Counting frames reads the file a second time: let it overlap with the decode.
  const frames = countFrames ? frameCount(image, format) : null;
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(image, BITMAP_OPTIONS);
  } catch {
    throw new DecodeError(undecodableMessage(format, head));
  }
  return { ...(await bitmapPixels(bitmap, (b) => b.close())), format, frames: await frames };
}

/**
 * A camera frame's pixels (mirrored when asked), by the photo's path from here on. `release`
 * is called on the frame exactly once, as soon as its pixels are read, and on every failure.
 */
export async function decodeFrame(frame: ImageBitmap | VideoFrame, mirror: boolean, release: (frame: ImageBitmap | VideoFrame) => void): Promise<Decoded & { direct: boolean }> {
  const pixels = isVideoFrame(frame) ? await videoFramePixels(frame, release) : { ...(await bitmapPixels(frame, release)), direct: false };
  const decoded = { ...pixels, format: 'unknown' as const, frames: null };
  if (mirror) mirrorRgbaInPlace(decoded.rgba, decoded.width, decoded.height);
  return decoded;
}

function isVideoFrame(frame: ImageBitmap | VideoFrame): frame is VideoFrame {
  return typeof VideoFrame !== 'undefined' && frame instanceof VideoFrame;
}

/**
 * A VideoFrame converted by the browser straight into RGBA (WebCodecs copyTo, one pass from
 * the camera's YUV) instead of drawn on a canvas and read back: the same pixels a canvas
 * would hold, without the canvas. Frames that need more (a display size other than the
 * coded picture, a huge frame to pre-shrink, a browser without RGBA copyTo) take the
 * bitmap path.
 */
async function videoFramePixels(frame: VideoFrame, release: (frame: VideoFrame) => void): Promise<Pixels & { direct: boolean }> {
  const releaseFrame = once(() => release(frame));
  try {
    const rect = frame.visibleRect;
    const width = frame.displayWidth;
    const height = frame.displayHeight;
    const plain = rect !== null && rect.width === width && rect.height === height && !preShrinkSize(width, height);
    if (plain) {
      const rgba = new Uint8ClampedArray(width * height * 4);
      try {
        await frame.copyTo(rgba, { format: 'RGBA', colorSpace: 'srgb' });
        return { rgba, width, height, source: { width, height }, direct: true };
      } catch {
        // No RGBA conversion in this browser's copyTo: the canvas below does it.
      }
    }
    const bitmap = await createImageBitmap(frame);
    releaseFrame();
    return { ...(await bitmapPixels(bitmap, (b) => b.close())), direct: false };
  } finally {
    releaseFrame();
  }
}

/**
 * Pre-shrunk when huge, then read back raw from a 2D canvas. Takes ownership of the
 * bitmap: `release` is called on it exactly once, as early as possible, whatever happens.
 */
async function bitmapPixels(original: ImageBitmap, release: (bitmap: ImageBitmap) => void): Promise<Pixels> {
  const releaseOriginal = once(() => release(original));
  let bitmap = original;
  const source = { width: bitmap.width, height: bitmap.height };
  try {
    const shrunk = preShrinkSize(bitmap.width, bitmap.height);
    if (shrunk) {
      bitmap = await createImageBitmap(original, { ...BITMAP_OPTIONS, resizeWidth: shrunk.width, resizeHeight: shrunk.height, resizeQuality: 'high' });
      // The full-size bitmap is closed as soon as the smaller one exists.
      releaseOriginal();
    }
    const { width, height } = bitmap;
    const canvas = new OffscreenCanvas(width, height);
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    if (!ctx) throw new DecodeError('No 2D canvas is available to read the image pixels.');
    ctx.drawImage(bitmap, 0, 0);
    const rgba = ctx.getImageData(0, 0, width, height).data;
    // Release the canvas backing store now rather than at the next GC.
    canvas.width = 0;
    canvas.height = 0;
    return { rgba, width, height, source };
  } finally {
    if (bitmap !== original) bitmap.close();
    releaseOriginal();
  }
}

/** `fn` on the first call only: a frame or bitmap is released early on success and again in `finally`. */
function once(fn: () => void): () => void {
  let done = false;
  return () => {
    if (done) return;
    done = true;
    fn();
  };
}
