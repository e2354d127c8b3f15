/**
 * Plain-language notes about what was done to a photo on its way to the model:
 * the things a student would otherwise only notice as "the crop looks odd".
 */
import { formatName } from '../image/sniff';
import type { DecodeInfo } from '../worker/protocol';

/** Colour that transparent pixels are composited over (rgbaToRgb's default in src/image/resize.ts). */
export const TRANSPARENT_BACKGROUND_NAME = 'white';

export function photoNotes(source: { width: number; height: number }, decoded: DecodeInfo, resizeSize: number): string[] {
  const notes: string[] = [];
  if (decoded.frames !== null && decoded.frames > 1) {
    notes.push(`This is an animated ${formatName(decoded.format)} with ${decoded.frames} frames: the model sees the first frame only.`);
  }
  if (decoded.transparent) {
    notes.push(`Transparent parts were filled with ${TRANSPARENT_BACKGROUND_NAME}, as the model saw them.`);
  }
  if (decoded.width !== source.width || decoded.height !== source.height) {
    notes.push(
      `This ${source.width}×${source.height} photo was shrunk to ${decoded.width}×${decoded.height} by the browser while decoding (to save memory), so its crop matches PyTorch only approximately.`,
    );
  }
  const shortSide = Math.min(source.width, source.height);
  if (shortSide < resizeSize / 4) {
    notes.push(`This photo is only ${source.width}×${source.height} pixels: it was enlarged to ${resizeSize} pixels on its short side, so there is little detail to see.`);
  }
  return notes;
}
