/** The line under the photo count: "2 skipped: notes.jpg is not an image, cut.jpg is incomplete". */
import type { SkippedPhoto } from './examplesSlice';

/** The single-photo path's message, said in a few words after the file's name. */
export function shortReason(reason: string): string {
  if (/not an image/i.test(reason)) return 'is not an image';
  if (/stops before the end/i.test(reason)) return 'is incomplete';
  if (/cannot decode|could not be decoded by this browser/i.test(reason)) return 'cannot be decoded by this browser';
  if (/damaged/i.test(reason)) return 'is damaged or incomplete';
  return 'could not be read';
}

export function skippedSummary(skipped: readonly SkippedPhoto[]): string | null {
  if (skipped.length === 0) return null;
  return `${skipped.length} skipped: ${skipped.map((s) => `${s.name} ${shortReason(s.reason)}`).join(', ')}`;
}
