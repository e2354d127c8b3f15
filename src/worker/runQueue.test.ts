import { describe, expect, it } from 'vitest';
import type { RunSlot, WorkerResponse } from './protocol';
import { RunQueue, type QueuedRequest } from './runQueue';
import { WorkerError } from './workerError';

const photo = (id: number, slot: RunSlot = 'main'): QueuedRequest => ({ type: 'run', id, image: new Blob([]), slot });
const frame = (id: number, slot: RunSlot = 'main'): QueuedRequest => ({ type: 'run-frame', id, frame: {} as ImageBitmap, mirror: false, taps: null, slot });
const load = (id: number): QueuedRequest => ({ type: 'load-model', id, source: { kind: 'url', url: 'https://example.org/m.onnx', cache: false }, manifest: null, backend: 'wasm', input: null });
const occlude = (id: number): QueuedRequest => ({ type: 'occlude', id, image: new Blob([]), classIndex: 0, patch: 16, stride: 8 });

/** A promise the test settles by hand: a request "runs" until then. No timers anywhere. */
function gate() {
  let open = () => undefined as void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

/** A queue whose requests record themselves; `blocked` ones run until the test opens them. */
function harness() {
  const ran: number[] = [];
  const replies: WorkerResponse[] = [];
  const dropped: number[] = [];
  const blocked = new Map<number, ReturnType<typeof gate>>();
  const failures = new Map<number, Error>();
  let running = 0;
  let mostAtOnce = 0;
  let photosReplaced = 0;
  const queue = new RunQueue({
    async handle(request) {
      ran.push(request.id);
      mostAtOnce = Math.max(mostAtOnce, ++running);
      try {
        await blocked.get(request.id)?.promise;
        const failure = failures.get(request.id);
        if (failure) throw failure;
      } finally {
        running--;
      }
    },
    reply: (message) => replies.push(message),
    dropped: (request) => dropped.push(request.id),
    photoReplaced: () => photosReplaced++,
  });
  const block = (id: number) => {
    const g = gate();
    blocked.set(id, g);
    return g;
  };
  const answered = (code: string) => replies.flatMap((r) => (r.type === 'error' && r.code === code ? [r.id] : []));
  return { queue, ran, replies, dropped, failures, block, answered, mostAtOnce: () => mostAtOnce, photosReplaced: () => photosReplaced };
}

describe('RunQueue', () => {
  it('runs requests one at a time, in the order they came', async () => {
    const h = harness();
    const first = h.block(1);
    h.queue.enqueue(load(1));
    h.queue.enqueue(photo(2));
    h.queue.enqueue(photo(3, 'compare'));
    expect(h.ran).toEqual([1]);
    first.open();
    await h.queue.drained();
    expect(h.ran).toEqual([1, 2, 3]);
    expect(h.mostAtOnce()).toBe(1);
    expect(h.replies).toEqual([]);
  });

  it('a newer photo replaces the one waiting in its slot, never the one running nor the other slot', async () => {
    const h = harness();
    const first = h.block(1);
    for (const r of [photo(1), photo(2), photo(3), photo(4, 'compare'), photo(5), photo(6, 'compare')]) h.queue.enqueue(r);
    expect(h.replies).toEqual([
      { type: 'error', id: 2, code: 'superseded', message: 'A newer photo replaced this one.' },
      { type: 'error', id: 3, code: 'superseded', message: 'A newer photo replaced this one.' },
      { type: 'error', id: 4, code: 'superseded', message: 'A newer photo replaced this one.' },
    ]);
    first.open();
    await h.queue.drained();
    expect(h.ran).toEqual([1, 5, 6]);
    expect(h.queue.superseded).toBe(3);
    expect(h.dropped).toEqual([2, 3, 4]);
  });

  it('camera frames: the newest waiting frame wins, each dropped one is handed back to be closed', async () => {
    const h = harness();
    const first = h.block(1);
    for (const r of [frame(1), frame(2), frame(3), photo(4)]) h.queue.enqueue(r);
    expect(h.replies).toEqual([
      { type: 'error', id: 2, code: 'superseded', message: 'A newer frame replaced this one.' },
      { type: 'error', id: 3, code: 'superseded', message: 'A newer frame replaced this one.' },
    ]);
    expect(h.dropped).toEqual([2, 3]);
    first.open();
    await h.queue.drained();
    expect(h.ran).toEqual([1, 4]);
  });

  it('model loads and other requests without a slot always wait their turn', async () => {
    const h = harness();
    const first = h.block(1);
    for (const r of [photo(1), load(2), photo(3), load(4), photo(5)]) h.queue.enqueue(r);
    first.open();
    await h.queue.drained();
    expect(h.ran).toEqual([1, 2, 4, 5]);
    expect(h.answered('superseded')).toEqual([3]);
  });

  it('hold-runs: the photo taken off the line waits for release, the newest behind it runs next', async () => {
    const h = harness();
    h.queue.hold();
    h.queue.enqueue(photo(1));
    h.queue.enqueue(photo(2));
    h.queue.enqueue(photo(3));
    h.queue.enqueue(frame(4, 'compare'));
    await Promise.resolve();
    expect(h.ran).toEqual([]);
    expect(h.answered('superseded')).toEqual([2]);
    h.queue.release();
    await h.queue.drained();
    expect(h.ran).toEqual([1, 3, 4]);
  });

  it('a load is not held: the gate is for photos and frames only', async () => {
    const h = harness();
    h.queue.hold();
    h.queue.enqueue(load(1));
    h.queue.enqueue(photo(2));
    await Promise.resolve();
    expect(h.ran).toEqual([1]);
    h.queue.release();
    await h.queue.drained();
    expect(h.ran).toEqual([1, 2]);
  });

  it("a new main photo cancels the waiting occlusions and stops the running one; a compared photo does not", async () => {
    const h = harness();
    const first = h.block(1);
    for (const r of [load(1), occlude(2), occlude(3), photo(4, 'compare')]) h.queue.enqueue(r);
    expect(h.photosReplaced()).toBe(0);
    h.queue.enqueue(frame(5));
    expect(h.photosReplaced()).toBe(1);
    expect(h.replies).toEqual([
      { type: 'error', id: 2, code: 'cancelled', message: 'Occlusion was cancelled.' },
      { type: 'error', id: 3, code: 'cancelled', message: 'Occlusion was cancelled.' },
    ]);
    first.open();
    await h.queue.drained();
    expect(h.ran).toEqual([1, 4, 5]);
  });

  it('cancelOcclusion answers only a waiting occlusion, once', async () => {
    const h = harness();
    const first = h.block(1);
    for (const r of [occlude(1), occlude(2), photo(3, 'compare')]) h.queue.enqueue(r);
    h.queue.cancelOcclusion(1); // running: the engine stops it, the queue has nothing to answer
    h.queue.cancelOcclusion(3); // not an occlusion
    h.queue.cancelOcclusion(2);
    h.queue.cancelOcclusion(2);
    expect(h.replies).toEqual([{ type: 'error', id: 2, code: 'cancelled', message: 'Occlusion was cancelled.' }]);
    first.open();
    await h.queue.drained();
    expect(h.ran).toEqual([1, 3]);
  });

  it('a failed request is answered with its code and the queue goes on', async () => {
    const h = harness();
    h.failures.set(1, new WorkerError('decode', 'This file is not a picture.'));
    h.failures.set(2, new Error('something broke'));
    for (const r of [photo(1), load(2), photo(3, 'compare')]) h.queue.enqueue(r);
    await h.queue.drained();
    expect(h.ran).toEqual([1, 2, 3]);
    expect(h.replies).toEqual([
      { type: 'error', id: 1, code: 'decode', message: 'This file is not a picture.' },
      { type: 'error', id: 2, code: 'internal', message: 'something broke' },
    ]);
  });

  it('starts again after running dry', async () => {
    const h = harness();
    h.queue.enqueue(photo(1));
    await h.queue.drained();
    h.queue.enqueue(photo(2));
    await h.queue.drained();
    expect(h.ran).toEqual([1, 2]);
  });
});
