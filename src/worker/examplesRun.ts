/**
 * One batch of the Examples view's photos through the model (src/examples/topK.ts keeps the
 * bookkeeping). A photo the page has not cropped yet takes the single photo's path (decode,
 * pre-shrink, resize, crop, normalise) and its crop comes back as a lossless PNG for the page
 * to keep; a kept crop is decoded and normalised as it is, so a reload or a continue gives
 * the model exactly the same numbers. A photo that cannot be read is skipped with the single
 * photo's message, never stopping the rest. The page sends small batches, one request each,
 * so a photo dropped meanwhile waits at most one batch and Cancel acts between batches.
 */
import { decodeImage } from '../image/decode';
import { cropToRgba, toNormalisedCHW, toNormalisedHWC } from '../image/normaliseInput';
import { preprocess } from '../image/preprocess';
import type { RgbImage } from '../image/types';
import type { InputSpec } from '../model/manifest';
import { addPhotoTap, createTopK, tapGeometry, type TopKState } from '../examples/topK';
import type { LoadedModel } from './modelLoad';
import type { ExamplePhotoInput, ExamplePhotoOutput, ExamplesBatchResult, TapOutput } from './protocol';
import { errorText } from './workerError';

export interface ExamplesBatchRequest {
  photos: ExamplePhotoInput[];
  state: TopKState | null;
  modelKey: string;
}

type RunTaps = (m: LoadedModel, tensor: Float32Array) => Promise<TapOutput[]>;
type RunTapsOnly = (m: LoadedModel, tensor: Float32Array, only: readonly string[]) => Promise<TapOutput[]>;

/** Opaque RGBA (a kept crop) -> packed RGB, the layout the normaliser reads. */
function rgbaToPackedRgb(rgba: Uint8ClampedArray, width: number, height: number): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let i = 0, o = 0; i < rgba.length; i += 4, o += 3) {
    data[o] = rgba[i]!;
    data[o + 1] = rgba[i + 1]!;
    data[o + 2] = rgba[i + 2]!;
  }
  return { width, height, data };
}

/** A kept crop, exactly the model's input size: normalised as it is, never resampled again. */
function cropTensor(rgba: Uint8ClampedArray, width: number, height: number, input: InputSpec): Float32Array {
  const rgb = rgbaToPackedRgb(rgba, width, height);
  const rescale = input.convention === 'transformers' ? (input.rescaleFactor ?? 1 / 255) : undefined;
  return (input.layout === 'NHWC' ? toNormalisedHWC : toNormalisedCHW)(rgb, input.mean, input.std, rescale);
}

/**
 * The dialog's maps: one channel of one tap for a few kept crops (its 9 strongest photos),
 * each H×W, row-major. A crop of another size goes through the model's own preprocessing.
 */
export async function runExampleMaps(m: LoadedModel, crops: readonly Blob[], tap: string, channel: number, run: RunTapsOnly): Promise<{ maps: Float32Array[]; height: number; width: number }> {
  const input = m.manifest.input;
  const maps: Float32Array[] = [];
  let height = 1;
  let width = 1;
  for (const crop of crops) {
    const d = await decodeImage(crop);
    const tensor = d.width === input.cropSize && d.height === input.cropSize ? cropTensor(d.rgba, d.width, d.height, input) : preprocess(d.rgba, d.width, d.height, input).tensor;
    const out = (await run(m, tensor, [tap]))[0]!;
    const g = tapGeometry(out.name, out.dims);
    height = g.height;
    width = g.width;
    const plane = g.height * g.width;
    maps.push(out.data.slice(channel * plane, (channel + 1) * plane));
  }
  return { maps, height, width };
}

async function cropPng(rgba: Uint8ClampedArray, width: number, height: number): Promise<Blob> {
  const canvas = new OffscreenCanvas(width, height);
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('No 2D canvas is available to keep the crop.');
  ctx.putImageData(new ImageData(new Uint8ClampedArray(rgba), width, height), 0, 0);
  return canvas.convertToBlob({ type: 'image/png' });
}

export async function runExamplesBatch(m: LoadedModel, request: ExamplesBatchRequest, run: RunTaps): Promise<ExamplesBatchResult> {
  const input = m.manifest.input;
  let state = request.state;
  const ms = { decode: 0, preprocess: 0, run: 0, bookkeeping: 0 };
  const photos: ExamplePhotoOutput[] = [];
  for (const p of request.photos) {
    let t = performance.now();
    let tensor: Float32Array;
    let crop: Blob | null = null;
    try {
      const decoded = await decodeImage(p.image);
      ms.decode += performance.now() - t;
      t = performance.now();
      if (p.isCrop && decoded.width === input.cropSize && decoded.height === input.cropSize) {
        tensor = cropTensor(decoded.rgba, decoded.width, decoded.height, input);
      } else {
        const pre = preprocess(decoded.rgba, decoded.width, decoded.height, input);
        tensor = pre.tensor;
        if (!p.isCrop) crop = await cropPng(cropToRgba(pre.crop), pre.crop.width, pre.crop.height);
      }
      ms.preprocess += performance.now() - t;
    } catch (e) {
      photos.push({ photo: p.photo, crop: null, means: null, skipped: errorText(e) });
      continue;
    }
    t = performance.now();
    const taps = await run(m, tensor);
    ms.run += performance.now() - t;
    t = performance.now();
    state ??= createTopK(request.modelKey, taps.map((o) => tapGeometry(o.name, o.dims)));
    const means = new Float32Array(state.totalChannels);
    taps.forEach((o, i) => addPhotoTap(state!, i, p.photo, o.data, means));
    ms.bookkeeping += performance.now() - t;
    photos.push({ photo: p.photo, crop, means, skipped: null });
  }
  return { state, photos, ms };
}
