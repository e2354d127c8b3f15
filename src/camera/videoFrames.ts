/**
 * Takes camera frames from the panel's <video> only when the worker is ready for one. The
 * video's newest frame is wrapped the moment it is asked for, so the page does no work per
 * camera frame: watching every frame (requestVideoFrameCallback) would run the page's
 * rendering steps 30 times a second and wrap frames only to throw them away, and on a 2-core
 * machine every millisecond of that is taken from the model (docs/camera.md). Only when the
 * video has no frame that was not taken yet (a camera slower than the model) does it wait for
 * the video's next one. The same picture is never taken twice.
 */
import type { CameraFrame } from '../worker/protocol';
import { frameCounters } from './frameStats';

export interface Grabbed {
  frame: CameraFrame;
  grabMs: number;
  /** When the grab started: the frame's age is measured from here. */
  started: number;
}

export class VideoFrames {
  /** Bumped by reset(): a callback of an earlier stream delivers nothing. */
  private generation = 0;
  private waiting = false;
  private grabbing = false;
  /** Timestamp of the last VideoFrame taken. */
  private lastTimestamp = -1;
  /** Media time of the last frame taken by a video-frame callback (the ImageBitmap path). */
  private lastMediaTime = -1;

  constructor(
    private readonly video: () => HTMLVideoElement | null,
    private readonly deliver: (grabbed: Grabbed) => void,
  ) {}

  /** The worker is ready: the video's newest frame now if it was not taken yet, else its next one. */
  take(): void {
    const v = this.video();
    if (!v || this.grabbing) return;
    if (typeof VideoFrame === 'function' && hasFrame(v)) {
      const started = performance.now();
      let frame: VideoFrame | null = null;
      try {
        frame = new VideoFrame(v);
      } catch {
        // No frame to wrap (the stream is starting or stopping): wait for one below.
      }
      if (frame) {
        frameCounters.grabbed++;
        if (frame.timestamp !== this.lastTimestamp) {
          this.lastTimestamp = frame.timestamp;
          return this.deliver({ frame, grabMs: performance.now() - started, started });
        }
        frame.close();
        frameCounters.closedOnPage++;
      }
    }
    this.waitForNext(v);
  }

  /** The stream stopped: forget the last frame and any callback still pending. */
  reset(): void {
    this.generation++;
    this.waiting = false;
    this.grabbing = false;
    this.lastTimestamp = -1;
    this.lastMediaTime = -1;
  }

  private waitForNext(v: HTMLVideoElement): void {
    if (this.waiting) return;
    this.waiting = true;
    const generation = this.generation;
    const onFrame = (mediaTime: number) => {
      if (generation !== this.generation) return;
      this.waiting = false;
      void this.onVideoFrame(mediaTime);
    };
    // Every browser ConvLens targets has requestVideoFrameCallback; rAF is the fallback for the rest.
    if (typeof v.requestVideoFrameCallback === 'function') v.requestVideoFrameCallback((_, meta) => onFrame(meta.mediaTime));
    else requestAnimationFrame(() => onFrame(v.currentTime));
  }

  private async onVideoFrame(mediaTime: number): Promise<void> {
    // With WebCodecs, take() knows a new picture by its timestamp.
    if (typeof VideoFrame === 'function') return this.take();
    const v = this.video();
    if (!v) return;
    // Without WebCodecs: an ImageBitmap of this frame (converted on this thread). Headless and
    // some browsers call back on every display frame, not only on new video frames.
    if (mediaTime === this.lastMediaTime || !hasFrame(v)) return this.waitForNext(v);
    const generation = this.generation;
    this.grabbing = true;
    this.lastMediaTime = mediaTime;
    const started = performance.now();
    let frame: ImageBitmap;
    try {
      frame = await createImageBitmap(v);
    } catch {
      this.grabbing = false;
      return this.waitForNext(v); // the stream stopped under us; its next frame (if any) tries again
    }
    this.grabbing = false;
    frameCounters.grabbed++;
    if (generation !== this.generation) {
      frame.close();
      frameCounters.closedOnPage++;
      return;
    }
    this.deliver({ frame, grabMs: performance.now() - started, started });
  }
}

function hasFrame(v: HTMLVideoElement): boolean {
  return v.readyState >= HTMLMediaElement.HAVE_CURRENT_DATA && v.videoWidth > 0;
}
