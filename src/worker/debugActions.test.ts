import { describe, expect, it } from 'vitest';
import { debugAction, type DebugTargets } from './debugActions';
import type { InferenceEngine } from './inferenceEngine';
import { RunQueue } from './runQueue';

function targets(enabled = true) {
  const ran: number[] = [];
  let gpuLost = 0;
  const engine = {
    counters: { runsExecuted: 4, framesReceived: 3, framesClosed: 2, framesDirect: 2 },
    backend: 'webgpu',
    loseGpu: () => Promise.resolve(void gpuLost++),
  } as unknown as InferenceEngine;
  const queue = new RunQueue({
    handle: (r) => Promise.resolve(void ran.push(r.id)),
    reply: () => undefined,
    dropped: () => undefined,
    photoReplaced: () => undefined,
  });
  const t: DebugTargets = { engine, queue, enabled };
  return { t, queue, ran, gpuLost: () => gpuLost };
}

const run = (id: number) => ({ type: 'run', id, image: new Blob([]), slot: 'main' }) as const;

describe('debug actions', () => {
  it('are refused by a worker not started from a ?debug page', async () => {
    await expect(debugAction('stats', targets(false).t)).rejects.toThrow('Debug actions are only answered on a page opened with ?debug.');
  });

  it('stats: the engine and queue counters', async () => {
    expect(await debugAction('stats', targets().t)).toEqual({ runsExecuted: 4, runsSuperseded: 0, wasmMemoryBytes: 0, backend: 'webgpu', framesOpen: 1, framesReceived: 3, framesDirect: 2 });
  });

  it('hold-runs keeps photos back until release-runs; the queue supersedes the ones piled up', async () => {
    const { t, queue, ran } = targets();
    await debugAction('hold-runs', t);
    for (const id of [1, 2, 3]) queue.enqueue(run(id));
    expect(ran).toEqual([]);
    expect((await debugAction('release-runs', t))?.runsSuperseded).toBe(1);
    await queue.drained();
    expect(ran).toEqual([1, 3]);
  });

  it('lose-gpu goes to the engine', async () => {
    const { t, gpuLost } = targets();
    await debugAction('lose-gpu', t);
    expect(gpuLost()).toBe(1);
  });
});
