/**
 * One live-camera frame as the app handles it, for the camera figure of `bench/gpu/`
 * (camera-loop.mjs runs it in Node on a GPU machine, where Chromium cannot go). prepare.sh
 * bundles this file with the app's modules into `.gpu/app/cameraFrame.js`, so every step but
 * the first is the app's own code:
 *
 * - pixels: the worker's `VideoFrame.copyTo(rgba, { format: 'RGBA' })` (src/image/decode.ts) is
 *   the browser's; `i420ToRgba` below stands in for it, then the app's mirror;
 * - preprocess: src/image/preprocess.ts with the manifest's input (resize, centre crop, normalise);
 * - run: src/worker/tapRun.ts `runTaps` with the taps the page asks a live frame for
 *   (src/camera/frameTaps.ts: every tap on frame 0, then the shown layer, the class scores and
 *   a slice of the rest in turn; on WebGPU the batched read-back of gpuReadback.ts) and, on
 *   WebGPU, the worker's `saneOutputs` check;
 * - paint: the worker's result (the crop as RGBA), the page's `toActivations` (tensors and
 *   top-5) and `gridModelOf`, then ChannelGrid's paint loop for the layer and settings the page
 *   shows first, into an ImageData-sized buffer (no canvas here: no `putImageData`).
 */
import type * as OrtModule from 'onnxruntime-web';
import { frameTaps } from '../../src/camera/frameTaps';
import { gridModelOf } from '../../src/components/gridModel';
import { mirrorRgbaInPlace } from '../../src/image/mirror';
import { cropToRgba } from '../../src/image/normaliseInput';
import { preprocess } from '../../src/image/preprocess';
import type { Manifest } from '../../src/model/manifest';
import { defaultTap } from '../../src/model/taps';
import { renderChannel } from '../../src/render/channelImage';
import { getLut } from '../../src/render/colormaps';
import { channelWindow, defaultChannelCount } from '../../src/render/gridLayout';
import { valueRange } from '../../src/render/normalise';
import { toActivations } from '../../src/store/photoActions';
import { createViewSlice, type AppState } from '../../src/store/store';
import { createTeachingSlice } from '../../src/store/teachingSlice';
import { readBackAll } from '../../src/worker/gpuReadback';
import type { BackendInfo, RunResult, TapOutput } from '../../src/worker/protocol';
import { sessionOptions, type ExecutionBackend } from '../../src/worker/sessionOptions';
import { runTaps, saneOutputs } from '../../src/worker/tapRun';

// The bare run beside the camera loop uses the same session settings and read-back.
export { readBackAll, sessionOptions };

/** A YUV4MPEG2 file's frames, as planar I420 (Y, then U and V at half size). */
export interface Video {
  width: number;
  height: number;
  frames: Uint8Array[];
}

/** Reads what scripts/y4m.ts writes (4:2:0 only; frame parameters, if any, are skipped). */
export function readY4m(bytes: Uint8Array): Video {
  const lineEnd = (from: number) => {
    const i = bytes.indexOf(0x0a, from);
    if (i < 0) throw new RangeError('Y4M: a header line has no end');
    return i;
  };
  const headerEnd = lineEnd(0);
  const header = new TextDecoder().decode(bytes.subarray(0, headerEnd)).split(' ');
  if (header[0] !== 'YUV4MPEG2') throw new RangeError('not a YUV4MPEG2 file');
  const field = (tag: string) => header.find((f) => f.startsWith(tag))?.slice(1);
  const width = Number(field('W'));
  const height = Number(field('H'));
  const colour = field('C') ?? '420jpeg';
  if (!colour.startsWith('420')) throw new RangeError(`Y4M: only 4:2:0 is read, this file is C${colour}`);
  const size = width * height * 1.5;
  const frames: Uint8Array[] = [];
  for (let at = headerEnd + 1; at < bytes.length; ) {
    const start = lineEnd(at) + 1;
    if (start + size > bytes.length) throw new RangeError(`Y4M: frame ${frames.length} is cut short`);
    frames.push(bytes.subarray(start, start + size));
    at = start + size;
  }
  return { width, height, frames };
}

/**
 * THE STAND-IN for the browser's `VideoFrame.copyTo(..., { format: 'RGBA', colorSpace: 'srgb' })`:
 * I420 → RGBA with BT.601 limited-range coefficients (video's usual default), chroma taken from
 * its 2×2 block. scripts/y4m.ts writes full-range (JPEG) values and tags them C420jpeg; whether
 * Chromium's fake camera honours that tag was not checked (the e2e tests allow for a difference
 * of that size). The cost is the same either way, one pass over the frame; only the contrast of
 * the pixels differs a little. A new array per frame, as the worker allocates one.
 */
export function i420ToRgba(yuv: Uint8Array, width: number, height: number): Uint8ClampedArray {
  const rgba = new Uint8ClampedArray(width * height * 4);
  const cw = width >> 1;
  const u0 = width * height;
  const v0 = u0 + cw * (height >> 1);
  for (let y = 0, o = 0; y < height; y++) {
    const crow = (y >> 1) * cw;
    for (let x = 0; x < width; x++, o += 4) {
      const c = crow + (x >> 1);
      const l = 1.164383 * (yuv[y * width + x]! - 16);
      const u = yuv[u0 + c]! - 128;
      const v = yuv[v0 + c]! - 128;
      rgba[o] = l + 1.596027 * v;
      rgba[o + 1] = l - 0.391762 * u - 0.812968 * v;
      rgba[o + 2] = l + 2.017232 * u;
      rgba[o + 3] = 255;
    }
  }
  return rgba;
}

type GridState = Pick<AppState, 'selectedTap' | 'sortKey' | 'hideDead' | 'firstChannel' | 'channelCount' | 'view' | 'colormap' | 'normalisation'>;

/** What the page shows first once a model is in: the store's defaults, then commitModel's layer and window. */
export function firstView(manifest: Manifest): GridState {
  const none = () => undefined;
  const api = undefined as never;
  const view = createViewSlice(none, none as never, api);
  const teaching = createTeachingSlice(none, none as never, api);
  const tap = defaultTap(manifest);
  const total = tap.shape[0] ?? 1;
  // commitModel's defaultChannelCount, then clampWindow's channelWindow.
  const window = channelWindow(total, 0, defaultChannelCount(total));
  return { ...view, ...teaching, selectedTap: tap.name, firstChannel: window.first, channelCount: window.count };
}

/** The app's session settings; onnxruntime-web's own module is passed in (ort.webgpu or ort.wasm). */
export interface FrameSession {
  ort: typeof OrtModule;
  session: OrtModule.InferenceSession;
  manifest: Manifest;
  backend: BackendInfo;
}

export interface FrameTimes {
  pixelsMs: number;
  preprocessMs: number;
  runMs: number;
  paintMs: number;
}

export interface FrameOutcome {
  times: FrameTimes;
  taps: TapOutput[];
  tiles: number;
}

let runIds = 0;

/** One frame, worker then page, each step timed as the app's camera split times it. */
export async function cameraFrame(s: FrameSession, video: Video, index: number, mirror: boolean, view: GridState): Promise<FrameOutcome> {
  const yuv = video.frames[index % video.frames.length]!;
  const { width, height } = video;
  const t0 = performance.now();
  const rgba = i420ToRgba(yuv, width, height);
  if (mirror) mirrorRgbaInPlace(rgba, width, height);
  const t1 = performance.now();
  const pre = preprocess(rgba, width, height, s.manifest.input);
  const t2 = performance.now();
  const only = frameTaps({ manifest: s.manifest, view: view.view, selectedTap: view.selectedTap, sinceFull: index === 0 ? null : index - 1 });
  const taps = await runTaps(s, pre.tensor, only);
  // The worker moves to WASM when WebGPU gives zeros or non-finite values; here that is a failure.
  if (s.backend.name === 'webgpu' && !saneOutputs(taps, s.manifest)) throw new Error('WebGPU returned invalid (zero or non-finite) logits');
  const t3 = performance.now();
  const result: RunResult = {
    taps,
    crop: { width: pre.crop.width, height: pre.crop.height, data: cropToRgba(pre.crop) },
    source: { width, height },
    decoded: { format: 'unknown', width, height, transparent: pre.transparent, frames: null },
    decodeMs: t1 - t0,
    preprocessMs: t2 - t1,
    inferenceMs: t3 - t2,
    backend: s.backend,
    frame: { width, height, data: rgba },
  };
  const activations = toActivations(++runIds, { name: 'camera', sampleId: null }, s.manifest, result, t3 - t0);
  const model = gridModelOf(activations.tensors.get(view.selectedTap!) ?? null, view);
  let tiles = 0;
  if (model) {
    // ChannelGrid's layout effect: one ImageData for the pass, every tile of the window.
    const lut = getLut(view.colormap);
    const image = new Uint8ClampedArray(model.dims.width * model.dims.height * 4);
    for (const channel of model.channels) {
      renderChannel(image, model.tensor, channel, valueRange(model.tensor, channel, view.normalisation, undefined, model.stats), lut);
      tiles++;
    }
  }
  const t4 = performance.now();
  return { times: { pixelsMs: t1 - t0, preprocessMs: t2 - t1, runMs: t3 - t2, paintMs: t4 - t3 }, taps, tiles };
}

/** What BackendInfo says in the app for this session. */
export function backendInfo(name: ExecutionBackend, threads: number, adapter: string | null): BackendInfo {
  return { name, threads: name === 'wasm' ? threads : 0, crossOriginIsolated: true, fallbackReason: null, adapter };
}
