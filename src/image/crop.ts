/**
 * torchvision 0.14's Resize(int) output size and CenterCrop window, reproduced with
 * Python's integer and rounding rules so the crop starts on the same pixel.
 */

import type { CropBox, RgbImage } from './types';

/**
 * Python 3 `round(x)` for a float: round half to even. It matters here because
 * CenterCrop computes `int(round((h - crop) / 2.0))`, which is a .5 whenever the
 * size difference is odd, and JS `Math.round` would round those up instead.
 */
export function pythonRound(x: number): number {
  const f = Math.floor(x);
  const diff = x - f;
  if (diff < 0.5) return f;
  if (diff > 0.5) return f + 1;
  return f % 2 === 0 ? f : f + 1;
}

/**
 * Size after `transforms.Resize(shortSide)` (torchvision 0.14
 * `_compute_resized_output_size` with an int size and no max_size): the shorter
 * side becomes `shortSide`, the longer `int(shortSide * long / short)`. Truncated,
 * not rounded, and a square (w == h) takes the `w <= h` branch, as in Python.
 */
export function resizedSize(width: number, height: number, shortSide: number): { width: number; height: number } {
  for (const [n, v] of [['width', width], ['height', height], ['shortSide', shortSide]] as const) {
    if (!Number.isInteger(v) || v <= 0) throw new RangeError(`${n} must be a positive integer, got ${v}`);
  }
  const [short, long] = width <= height ? [width, height] : [height, width];
  // Same double arithmetic as Python: (requested * long) / short, then int() truncation.
  const newLong = Math.trunc((shortSide * long) / short);
  return width <= height ? { width: shortSide, height: newLong } : { width: newLong, height: shortSide };
}

/** One axis of CenterCrop: offset into the (possibly padded) image, in original coordinates. */
function cropOffset(size: number, crop: number): number {
  if (crop > size) {
    // torchvision pads (crop - size) // 2 before, the rest after; then the crop starts at 0 of the padded image.
    return -Math.floor((crop - size) / 2);
  }
  return pythonRound((size - crop) / 2.0);
}

/**
 * The window `transforms.CenterCrop(cropSize)` takes from a `width x height` image.
 * If the image is smaller than the crop on an axis, the offset is negative: that
 * part of the window is torchvision's zero padding.
 */
export function centerCropBox(width: number, height: number, cropSize: number): CropBox {
  return { left: cropOffset(width, cropSize), top: cropOffset(height, cropSize), width: cropSize, height: cropSize };
}

/** Cut `box` out of `img`; any part of the box outside the image is zero (black). */
export function cropRgb(img: RgbImage, box: CropBox): RgbImage {
  const out = new Uint8Array(box.width * box.height * 3);
  const x0 = Math.max(box.left, 0);
  const y0 = Math.max(box.top, 0);
  const x1 = Math.min(box.left + box.width, img.width);
  const y1 = Math.min(box.top + box.height, img.height);
  if (x1 > x0 && y1 > y0) {
    const rowBytes = (x1 - x0) * 3;
    for (let y = y0; y < y1; y++) {
      const s = (y * img.width + x0) * 3;
      const d = ((y - box.top) * box.width + (x0 - box.left)) * 3;
      out.set(img.data.subarray(s, s + rowBytes), d);
    }
  }
  return { width: box.width, height: box.height, data: out };
}

/**
 * The window transformers' `center_crop(image, (crop, crop))` takes: offsets
 * `(size - crop) // 2` (floor), which differs from torchvision's round-half-even by
 * one pixel whenever the difference is odd, and also when the image is smaller
 * than the crop (transformers pads ceil((crop - size) / 2) before, torchvision floor).
 */
export function floorCenterCropBox(width: number, height: number, cropSize: number): CropBox {
  return { left: Math.floor((width - cropSize) / 2), top: Math.floor((height - cropSize) / 2), width: cropSize, height: cropSize };
}
