/**
 * Live camera: getUserMedia → the video's newest frame as a VideoFrame (an ImageBitmap where
 * WebCodecs is missing), taken the moment the worker is ready for it and transferred to the
 * inference worker (never copied on this thread), which runs it through the photo's own pixel
 * path and brings back the taps frameTaps.ts picks. One frame is in flight and at most one
 * waits here, a newer one replacing it (latestFrame.ts), so latency stays one run. Pausing
 * (or hiding the page) stops the stream, so the camera light goes off, and makes the last
 * processed frame the photo through runPhotoInSlot, the one path every photo takes: every
 * tool then works on it.
 */
import { errorText } from '../app/errorText';
import { photoRef, runPhotoInSlot, showFrameResult } from '../store/photoActions';
import { useAppStore } from '../store/store';
import { inferenceClient } from '../store/workerClient';
import { InferenceError } from '../worker/client';
import type { RgbaImage, RunResult } from '../worker/protocol';
import { cameraErrorMessage, cameraFailureMessage } from './cameraErrors';
import { useCameraStore } from './cameraStore';
import { defaultMirror, preferredFacing, readRememberedCamera, rememberCamera, rememberedCamera, videoInputs, type FacingMode } from './devices';
import { RateMeter } from './rate';
import { captureConstraints } from './captureSize';
import { LatestFrame } from './latestFrame';
import { encodePng, timestamp } from './framePng';
import { frameCounters, recordFrameTiming } from './frameStats';
import { FrameTapsCursor } from './frameTaps';
import { VideoFrames, type Grabbed } from './videoFrames';

/** Name the views show for a live frame (the grid's data-photo). */
export const LIVE_PHOTO_NAME = 'camera';

let video: HTMLVideoElement | null = null;
let stream: MediaStream | null = null;
/** Bumped whenever the stream stops: results and grabs of an older session are dropped. */
let session = 0;
let lastFrame: RgbaImage | null = null;
let rateTimer: ReturnType<typeof setInterval> | null = null;
let mirrorChosen = false;
let listening = false;
const rate = new RateMeter();
const taps = new FrameTapsCursor();

const frames = new LatestFrame<Grabbed>();
const source = new VideoFrames(() => video, (grabbed) => offer(grabbed));

/** The panel's <video> element, where the stream plays (and frames are grabbed from). */
export function attachVideo(el: HTMLVideoElement | null): void {
  video = el;
  if (el && stream && el.srcObject !== stream) {
    el.srcObject = stream;
    void el.play().catch(() => undefined);
  }
}

function setState(state: ReturnType<typeof useCameraStore.getState>['state']): void {
  useCameraStore.setState({ state });
}

function alert(message: string): void {
  useAppStore.setState({ photoError: message });
}

/** Asks for the camera and starts running frames; on failure the photo shown stays. */
export async function startCamera(deviceId: string | null = useCameraStore.getState().deviceId ?? readRememberedCamera()): Promise<void> {
  const before = useCameraStore.getState().state;
  if (before === 'starting' || before === 'live') return;
  if (!window.isSecureContext) return alert(cameraFailureMessage('insecure'));
  if (!navigator.mediaDevices?.getUserMedia) return alert(cameraFailureMessage('unsupported'));
  installListeners();
  setState('starting');
  const mySession = ++session;
  let media: MediaStream;
  const facing = preferredFacing(matchMedia('(pointer: coarse)').matches, deviceId);
  try {
    media = await openStream(deviceId, facing);
  } catch (e) {
    if (mySession !== session) return;
    setState(before === 'paused' ? 'paused' : 'off');
    return alert(cameraErrorMessage(e));
  }
  if (mySession !== session) {
    // Stopped while the browser was asking: let the camera go at once.
    for (const t of media.getTracks()) t.stop();
    return;
  }
  stream = media;
  const track = media.getVideoTracks()[0]!;
  track.addEventListener('ended', onTrackEnded);
  const settings = track.getSettings();
  if (!mirrorChosen) useCameraStore.setState({ mirror: defaultMirror(settings.facingMode, facing) });
  useAppStore.setState({ photoError: null });
  const cameras = videoInputs(await navigator.mediaDevices.enumerateDevices().catch(() => []));
  useCameraStore.setState({ devices: cameras, deviceId: settings.deviceId ?? rememberedCamera(cameras, deviceId), backend: useAppStore.getState().model?.backend.name ?? null });
  if (mySession !== session) return; // stopped while listing cameras: stopStream stopped its tracks
  if (video) {
    video.srcObject = media;
    await video.play().catch(() => undefined);
  }
  if (mySession !== session) return; // stopped (and its tracks stopped) during the awaits above
  rate.reset();
  rateTimer = setInterval(() => useCameraStore.setState({ fps: rate.rate(performance.now()) }), 1000);
  useCameraStore.setState({ fps: 0 });
  setState('live');
  pull(mySession);
}

async function openStream(deviceId: string | null, facing: FacingMode | null): Promise<MediaStream> {
  const size = captureConstraints(useAppStore.getState().model?.manifest.input.resizeSize);
  // `ideal`, not `exact`: a device with one camera still gets that camera.
  const chosen = deviceId ? { deviceId: { exact: deviceId } } : facing ? { facingMode: { ideal: facing } } : {};
  try {
    return await navigator.mediaDevices.getUserMedia({ audio: false, video: { ...size, ...chosen } });
  } catch (e) {
    // The remembered camera is gone: any camera will do.
    if (deviceId && e instanceof Error && (e.name === 'OverconstrainedError' || e.name === 'NotFoundError')) {
      return navigator.mediaDevices.getUserMedia({ audio: false, video: size });
    }
    throw e;
  }
}

/** The worker is ready for a frame: the video's newest, unless one is already in flight. */
function pull(mySession: number): void {
  if (mySession === session && !frames.busy) source.take();
}

function offer(grabbed: Grabbed): void {
  const mySession = session;
  const step = frames.offer(grabbed);
  if (step.drop) closeOnPage(step.drop);
  if (step.send) send(mySession, step.send);
}

function closeOnPage(grabbed: Grabbed): void {
  grabbed.frame.close();
  frameCounters.closedOnPage++;
}

/** The taps this frame brings back: the chosen layer, the class scores and a slice of the rest (frameTaps.ts). */
function tapsToFetch(): readonly string[] | null {
  const s = useAppStore.getState();
  return s.model ? taps.next(s.model.manifest, s.view, s.selectedTap) : null;
}

function send(mySession: number, frame: Grabbed): void {
  frameCounters.handedOver++;
  // The next frame goes the moment this one is answered, before the page paints this
  // one's result, so the worker does not sit idle.
  const next = () => {
    if (mySession !== session) return;
    const step = frames.done();
    if (step.send) send(mySession, step.send);
    else pull(mySession);
  };
  // The transfer detaches the frame here; the worker closes it.
  inferenceClient()
    .runFrame(frame.frame, useCameraStore.getState().mirror, tapsToFetch())
    .then(
      (result) => {
        next();
        apply(mySession, result, frame.grabMs, frame.started);
      },
      (e: unknown) => {
        next();
        frameFailed(mySession, e);
      },
    );
}

function apply(mySession: number, result: RunResult, grabMs: number, started: number): void {
  if (mySession !== session || useCameraStore.getState().state !== 'live') return;
  const now = performance.now();
  const runId = showFrameResult(LIVE_PHOTO_NAME, result, now - started);
  if (runId === null) return;
  if (useCameraStore.getState().backend !== result.backend.name) useCameraStore.setState({ backend: result.backend.name });
  lastFrame = result.frame ?? null;
  frameCounters.applied++;
  rate.tick(now);
  recordFrameTiming({ grabMs, decodeMs: result.decodeMs, preprocessMs: result.preprocessMs, inferenceMs: result.inferenceMs, totalMs: now - started, runId, appliedAt: now });
}

function frameFailed(mySession: number, e: unknown): void {
  if (e instanceof InferenceError && e.code === 'superseded') {
    frameCounters.superseded++;
    return;
  }
  // A crashed worker is replaced and the model reloaded (store/modelActions.ts); frames resume then.
  if (e instanceof InferenceError && (e.code === 'worker-crashed' || e.code === 'no-model')) return;
  if (mySession !== session) return;
  alert(`Could not process a camera frame: ${errorText(e)}`);
  void pauseCamera();
}

function stopStream(): void {
  session++;
  const waiting = frames.clear();
  if (waiting) closeOnPage(waiting);
  if (stream) {
    for (const t of stream.getTracks()) {
      t.removeEventListener('ended', onTrackEnded);
      t.stop();
    }
  }
  stream = null;
  if (video) video.srcObject = null;
  if (rateTimer) clearInterval(rateTimer);
  rateTimer = null;
  taps.reset();
  source.reset();
  rate.reset();
  useCameraStore.setState({ fps: 0 });
}

/** The last processed frame while the camera runs (the Examples view keeps it as a photo). */
export function currentCameraFrame(): RgbaImage | null {
  return lastFrame;
}

/** Makes the last processed frame the app's photo, through runPhotoInSlot like any photo. */
async function freeze(): Promise<void> {
  const frame = lastFrame;
  if (!frame) return;
  lastFrame = null;
  const photo = photoRef(await encodePng(frame), `camera-frame-${timestamp(new Date())}.png`);
  useCameraStore.setState({ frozen: photo });
  await runPhotoInSlot('main', photo);
}

/** Stops the stream (the light goes off) and freezes the last frame as the photo. */
export async function pauseCamera(): Promise<void> {
  if (useCameraStore.getState().state !== 'live') return;
  stopStream();
  setState('paused');
  await freeze();
}

export async function resumeCamera(): Promise<void> {
  if (useCameraStore.getState().state === 'paused') await startCamera();
}

export function togglePause(): void {
  const state = useCameraStore.getState().state;
  if (state === 'live') void pauseCamera();
  else if (state === 'paused') void resumeCamera();
}

/** Stops the camera; the last processed frame stays as the photo. */
export async function stopCamera(): Promise<void> {
  const state = useCameraStore.getState().state;
  if (state === 'off') return;
  stopStream();
  setState('off');
  if (state === 'live') await freeze();
}

/** Another camera: remembered for next time, and started at once when the camera is on. */
export async function chooseCamera(deviceId: string): Promise<void> {
  rememberCamera(deviceId);
  useCameraStore.setState({ deviceId });
  if (useCameraStore.getState().state !== 'live') return;
  stopStream();
  setState('off');
  await startCamera(deviceId);
}

export function setMirror(mirror: boolean): void {
  mirrorChosen = true;
  useCameraStore.setState({ mirror });
}

function onTrackEnded(): void {
  if (useCameraStore.getState().state !== 'live') return;
  stopStream();
  setState('off');
  alert(cameraFailureMessage('ended'));
  void freeze();
}

function installListeners(): void {
  if (listening) return;
  listening = true;
  // A hidden page has no use for the camera: stop it (light off); Resume starts it again.
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden') void pauseCamera();
  });
  // Another photo chosen (drop, sample, file): the camera steps aside.
  useAppStore.subscribe((s, prev) => {
    // The same blob again (a model switch re-runs the photo) is not another photo.
    const photo = s.photos.main;
    if (!photo || photo.blob === prev.photos.main?.blob) return;
    const camera = useCameraStore.getState();
    if (camera.state === 'off' || photo.blob === camera.frozen?.blob) return;
    stopStream();
    setState('off');
  });
}
