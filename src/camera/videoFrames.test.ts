import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { frameCounters } from './frameStats';
import { VideoFrames, type Grabbed } from './videoFrames';

/** A camera stand-in: a picture number, and the video-frame callbacks waiting for the next one. */
class FakeVideo {
  readyState = 2;
  videoWidth = 320;
  picture = 1;
  callbacks: ((now: number, meta: { mediaTime: number }) => void)[] = [];
  requestVideoFrameCallback(cb: (now: number, meta: { mediaTime: number }) => void): number {
    this.callbacks.push(cb);
    return this.callbacks.length;
  }
  /** The camera shows its next picture. */
  next(): void {
    this.picture++;
    const waiting = this.callbacks;
    this.callbacks = [];
    for (const cb of waiting) cb(0, { mediaTime: this.picture / 30 });
  }
}

const open = new Set<FakeFrame>();
class FakeFrame {
  readonly timestamp: number;
  constructor(v: FakeVideo) {
    this.timestamp = v.picture * 33_333;
    open.add(this);
  }
  close(): void {
    open.delete(this);
  }
}

describe('VideoFrames', () => {
  let video: FakeVideo;
  let delivered: Grabbed[];
  let source: VideoFrames;
  beforeEach(() => {
    Object.assign(globalThis, { VideoFrame: FakeFrame, HTMLMediaElement: { HAVE_CURRENT_DATA: 2 } });
    video = new FakeVideo();
    delivered = [];
    source = new VideoFrames(() => video as unknown as HTMLVideoElement, (g) => delivered.push(g));
  });
  afterEach(() => {
    open.clear();
    Reflect.deleteProperty(globalThis, 'VideoFrame');
    Reflect.deleteProperty(globalThis, 'HTMLMediaElement');
  });
  const pictures = () => delivered.map((g) => (g.frame as unknown as FakeFrame).timestamp / 33_333);

  it('takes the newest picture at once, without waiting for a video-frame callback', () => {
    video.picture = 7;
    source.take();
    expect(pictures()).toEqual([7]);
    expect(video.callbacks).toHaveLength(0);
  });

  it('never takes the same picture twice: it closes the copy and waits for the next picture', () => {
    source.take();
    const closedBefore = frameCounters.closedOnPage;
    source.take(); // the camera is slower than the model: still picture 1
    expect(pictures()).toEqual([1]);
    expect(frameCounters.closedOnPage).toBe(closedBefore + 1);
    expect(video.callbacks).toHaveLength(1);
    source.take(); // asked again while waiting: still one callback
    expect(video.callbacks).toHaveLength(1);
    expect(frameCounters.closedOnPage).toBe(closedBefore + 2);
    video.next();
    expect(pictures()).toEqual([1, 2]);
    expect([...open].map((f) => f.timestamp / 33_333)).toEqual([1, 2]);
  });

  it('after reset, a callback of the stopped stream delivers nothing', () => {
    source.take();
    source.take();
    source.reset();
    video.next();
    expect(pictures()).toEqual([1]);
  });

  it('waits for the first picture when the video has none yet', () => {
    video.readyState = 0;
    source.take();
    expect(delivered).toHaveLength(0);
    video.readyState = 2;
    video.next();
    expect(pictures()).toEqual([2]);
  });
});
