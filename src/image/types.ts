/**
 * Shared shapes for the image pipeline. Kept in their own module so resize, crop
 * and normalise can depend on them without importing one another.
 */

/**
 * Packed 8-bit RGB, 3 bytes per pixel, row-major, no row padding. This is the
 * layout of `np.asarray(pil_rgb_image).tobytes()`, so golden hashes made in
 * Python compare directly with `data`.
 */
export interface RgbImage {
  width: number;
  height: number;
  data: Uint8Array;
}

/**
 * A crop window in the coordinates of the image it is cut from. `left`/`top`
 * may be negative and the window may run past the right/bottom edge: the part
 * outside the image is zero padding, as torchvision's CenterCrop pads small images.
 */
export interface CropBox {
  left: number;
  top: number;
  width: number;
  height: number;
}
