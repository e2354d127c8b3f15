/**
 * One batch of the Examples view's photos through the model (src/examples/topK.ts keeps the
 * bookkeeping). A photo the page has not cropped yet takes the single photo's path (decode,
 * pre-shrink, resize, crop, normalise) and its crop comes back as a lossless PNG for the page
 * to keep; a kept crop is decoded and normalised as it is, so a reload or a continue gives
 * the model exactly the same numbers. A photo that cannot be read is skipped with the single
 * photo's message, never stopping the rest. The page sends small batches, one request each,
 * so a photo dropped meanwhile waits at most one batch and Cancel acts between batches; a
 * model with a dynamic batch axis runs each batch in one session.run (src/worker/tapBatch.ts).
 */
import { decodeImage } from '../image/decode';
import { cropToRgba, toNormalisedCHW, toNormalisedHWC } from '../image/normaliseInput';
import { preprocess } from '../image/preprocess';
import type { RgbImage } from '../image/types';
import type { InputSpec } from '../model/manifest';
import { addPhotoStats, addPhotoTap, createTopK, tapGeometry, type TopKState } from '../examples/topK';
import type { ExampleStatsRunner, TapStats } from './exampleStatsRun';
import type { LoadedModel } from './modelLoad';
import { stackInputs, unstackOutputs } from './tapBatch';
import type { ExamplePhotoInput, ExamplePhotoOutput, ExamplesBatchResult, TapOutput } from './protocol';
import { errorText } from './workerError';

export interface ExamplesBatchRequest {
  photos: ExamplePhotoInput[];
  state: TopKState | null;
  modelKey: string;
}

type RunTaps = (m: LoadedModel, tensor: Float32Array, batch: number) => Promise<TapOutput[]>;
type RunTapsOnly = (m: LoadedModel, tensor: Float32Array, only: readonly string[], batch: number) => Promise<TapOutput[]>;

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
 * each H×W, row-major; in one session.run where the batch axis is dynamic (`maxBatch` > 1). A
 * crop of another size goes through the model's own preprocessing.
 */
export async function runExampleMaps(m: LoadedModel, crops: readonly Blob[], tap: string, channel: number, run: RunTapsOnly, maxBatch: number): Promise<{ maps: Float32Array[]; height: number; width: number }> {
  const input = m.manifest.input;
  const decoded = await Promise.all(crops.map((crop) => decodeImage(crop, { frames: false })));
  const tensors = decoded.map((d) => (d.width === input.cropSize && d.height === input.cropSize ? cropTensor(d.rgba, d.width, d.height, input) : preprocess(d.rgba, d.width, d.height, input).tensor));
  const maps: Float32Array[] = [];
  let height = 1;
  let width = 1;
  for (let at = 0; at < tensors.length; at += maxBatch) {
    const group = tensors.slice(at, at + maxBatch);
    const perPhoto = group.length === 1 ? [await run(m, group[0]!, [tap], 1)] : unstackOutputs(await run(m, stackInputs(group), [tap], group.length), group.length);
    for (const taps of perPhoto) {
      const out = taps[0]!;
      const g = tapGeometry(out.name, out.dims);
      height = g.height;
      width = g.width;
      const plane = g.height * g.width;
      maps.push(out.data.slice(channel * plane, (channel + 1) * plane));
    }
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

/** Statistics that fit the examples' taps, checked before any is added (a photo is added whole or not at all). */
function checkStats(state: TopKState, taps: readonly TapStats[]): void {
  if (taps.length !== state.taps.length) throw new RangeError(`${taps.length} taps of statistics, the examples have ${state.taps.length}`);
  taps.forEach((s, i) => {
    const t = state.taps[i]!;
    const ok = 'data' in s ? s.data.length === t.channels * t.height * t.width : s.max.length === t.channels && s.at.length === t.channels && s.mean.length === t.channels;
    if (!ok) throw new RangeError(`Tap "${t.name}": statistics of another size`);
  });
}

function addStats(state: TopKState, photo: number, taps: readonly TapStats[]): Float32Array {
  const means = new Float32Array(state.totalChannels);
  taps.forEach((s, i) => ('data' in s ? addPhotoTap(state, i, photo, s.data, means) : addPhotoStats(state, i, photo, s.max, s.at, s.mean, means)));
  return means;
}

/** One photo made ready for the model: its input, and its crop's PNG on the way (for a photo seen the first time). */
interface Ready {
  photo: number;
  tensor: Float32Array;
  crop: Promise<Blob | null> | null;
}

/**
 * The batch's photos: each decoded (the next one while this one is preprocessed), its crop's
 * PNG encoded while the model runs; then one session.run for all of
 * them where the batch axis is dynamic (`maxBatch` > 1), else one each. The top-k bookkeeping
 * takes the photos in the order sent, so ties rank as in a one-by-one pass.
 */
export async function runExamplesBatch(m: LoadedModel, request: ExamplesBatchRequest, run: RunTaps, maxBatch: number, stats: Pick<ExampleStatsRunner, 'prepare' | 'run' | 'fail'> | null = null): Promise<ExamplesBatchResult> {
  const input = m.manifest.input;
  let state = request.state;
  const ms = { decode: 0, preprocess: 0, run: 0, bookkeeping: 0 };
  // Made on the first batch of a model's examples (while its photos decode), then kept.
  const preparing = stats?.prepare(m) ?? null;
  const skipped = new Map<number, string>();
  const ready: Ready[] = [];
  // The next photo decodes (off this thread) while this one is preprocessed: at most two
  // decoded photos at a time, which for a folder of 12-megapixel phone photos is 100 MB.
  const decode = (i: number) => (i < request.photos.length ? decodeImage(request.photos[i]!.image, { frames: false }).then((d) => ({ d, error: null }), (error: unknown) => ({ d: null, error })) : null);
  let next = decode(0);
  for (let i = 0; next; i++) {
    let t = performance.now();
    const { d, error } = await next;
    ms.decode += performance.now() - t;
    next = decode(i + 1);
    t = performance.now();
    const p = request.photos[i]!;
    try {
      if (!d) throw error;
      if (p.isCrop && d.width === input.cropSize && d.height === input.cropSize) {
        ready.push({ photo: p.photo, tensor: cropTensor(d.rgba, d.width, d.height, input), crop: null });
      } else {
        const pre = preprocess(d.rgba, d.width, d.height, input);
        // A crop that cannot be encoded is not kept: the photo itself stays, and runs again after a reload.
        ready.push({ photo: p.photo, tensor: pre.tensor, crop: p.isCrop ? null : cropPng(cropToRgba(pre.crop), pre.crop.width, pre.crop.height).catch(() => null) });
      }
    } catch (e) {
      skipped.set(p.photo, errorText(e));
    }
    ms.preprocess += performance.now() - t;
  }
  let t = performance.now();
  const means = new Map<number, Float32Array>();
  const prepared = await preparing;
  let fromStats = 0;
  for (let at = 0; at < ready.length; at += maxBatch) {
    const group = ready.slice(at, at + maxBatch);
    // The statistics session once the examples' layout is known (the first batch reads whole maps).
    if (prepared && stats && state) {
      try {
        t = performance.now();
        const perPhoto = await stats.run(prepared, stackInputs(group.map((r) => r.tensor)), group.length);
        ms.run += performance.now() - t;
        t = performance.now();
        perPhoto.forEach((taps) => checkStats(state!, taps));
        group.forEach((r, b) => means.set(r.photo, addStats(state!, r.photo, perPhoto[b]!)));
        ms.bookkeeping += performance.now() - t;
        fromStats += group.length;
        continue;
      } catch {
        stats.fail(m); // this group, and the rest of the model's, from whole maps
      }
    }
    t = performance.now();
    const perPhoto = group.length === 1 ? [await run(m, group[0]!.tensor, 1)] : unstackOutputs(await run(m, stackInputs(group.map((r) => r.tensor)), group.length), group.length);
    ms.run += performance.now() - t;
    t = performance.now();
    group.forEach((r, b) => {
      const taps = perPhoto[b]!;
      state ??= createTopK(request.modelKey, taps.map((o) => tapGeometry(o.name, o.dims)));
      const photoMeans = new Float32Array(state.totalChannels);
      taps.forEach((o, i) => addPhotoTap(state!, i, r.photo, o.data, photoMeans));
      means.set(r.photo, photoMeans);
    });
    ms.bookkeeping += performance.now() - t;
  }
  // Encoded meanwhile: waiting now costs what the run did not cover.
  t = performance.now();
  const crops = new Map(await Promise.all(ready.map(async (r) => [r.photo, r.crop ? await r.crop : null] as const)));
  ms.preprocess += performance.now() - t;
  const photos: ExamplePhotoOutput[] = request.photos.map((p) => {
    const reason = skipped.get(p.photo);
    return reason !== undefined ? { photo: p.photo, crop: null, means: null, skipped: reason } : { photo: p.photo, crop: crops.get(p.photo) ?? null, means: means.get(p.photo)!, skipped: null };
  });
  return { state, photos, ms, fromStats };
}
