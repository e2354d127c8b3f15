/**
 * Decoded photo -> network input, equivalent to the model's torchvision eval
 * transform: convert('RGB') -> Resize(resizeSize) -> CenterCrop(cropSize) ->
 * ToTensor -> Normalize(mean, std). Only the crop window is resampled, which is
 * exact (see resizeAndCropSource) and skips work on the discarded margins.
 *
 * The same steps cover Hugging Face image processors (src/model/hfPreprocessor.ts):
 * a bicubic filter, a warp to a square instead of resize + crop, and transformers'
 * crop rounding and rescale arithmetic (`convention: 'transformers'`).
 */

import type { PreprocessConvention, ResizeInterpolation, ResizeMode } from '../model/manifest';
import { centerCropBox, floorCenterCropBox, resizedSize } from './crop';
import { toNormalisedCHW, toNormalisedHWC } from './normaliseInput';
import { isOpaque, resizeAndCropSource, rgbaToRgb, type PixelSource } from './resize';
import type { RgbImage } from './types';

export interface PreprocessSpec {
  /** Shorter side after resizing (torchvision `Resize(int)`). */
  resizeSize: number;
  /** Side of the square centre crop. */
  cropSize: number;
  mean: [number, number, number];
  std: [number, number, number];
  /** Tensor layout; NCHW (PyTorch) unless the model takes NHWC. */
  layout?: 'NCHW' | 'NHWC';
  /** PIL filter (default bilinear). */
  interpolation?: ResizeInterpolation;
  /** 'warp' resizes the whole photo to resizeSize × resizeSize before the crop. Default 'shorter'. */
  resizeMode?: ResizeMode;
  /** Crop rounding and pixel scaling to reproduce (default torchvision). */
  convention?: PreprocessConvention;
  /** transformers' rescale_factor (default 1/255); used with convention 'transformers' only. */
  rescaleFactor?: number;
}

export interface PreprocessResult {
  /** Data for a [1, 3, cropSize, cropSize] (NCHW) or [1, cropSize, cropSize, 3] (NHWC) float32 tensor. */
  tensor: Float32Array;
  /** The exact pixels the network sees, for display and receptive-field overlays. */
  crop: RgbImage;
  /** Size of the full resized image the crop was taken from. */
  resized: { width: number; height: number };
  /** Some pixels were not fully opaque, so the image was composited over white first. */
  transparent: boolean;
}

/**
 * @param rgba un-premultiplied RGBA as from `getImageData`; translucent pixels are
 *   composited over white (see rgbaToRgb), opaque images are read in place.
 */
export function preprocess(rgba: Uint8ClampedArray | Uint8Array, width: number, height: number, spec: PreprocessSpec): PreprocessResult {
  if (rgba.length !== width * height * 4) {
    throw new RangeError(`RGBA data has ${rgba.length} bytes, expected ${width * height * 4} for ${width}x${height}`);
  }
  const warp = spec.resizeMode === 'warp';
  const hf = spec.convention === 'transformers';
  const resized = warp ? { width: spec.resizeSize, height: spec.resizeSize } : resizedSize(width, height, spec.resizeSize);
  const box = (hf ? floorCenterCropBox : centerCropBox)(resized.width, resized.height, spec.cropSize);
  const transparent = !isOpaque(rgba);
  const src: PixelSource = !transparent
    ? { width, height, data: rgba, channels: 4 }
    : { ...rgbaToRgb(rgba, width, height), channels: 3 };
  const crop = resizeAndCropSource(src, resized.width, resized.height, box, spec.interpolation ?? 'bilinear');
  const rescale = hf ? (spec.rescaleFactor ?? 1 / 255) : undefined;
  const tensor = spec.layout === 'NHWC' ? toNormalisedHWC(crop, spec.mean, spec.std, rescale) : toNormalisedCHW(crop, spec.mean, spec.std, rescale);
  return { tensor, crop, resized, transparent };
}
