import { describe, expect, it } from 'vitest';
import { enqueueLatest } from './latestWins';

interface Req {
  id: number;
  lane: string | null;
}
const lane = (r: Req) => r.lane;

/** A worker that runs one request at a time, fed faster than it runs. */
function simulate(arrivals: Req[][], lanes = lane) {
  const waiting: Req[] = [];
  const ran: number[] = [];
  const dropped: number[] = [];
  let maxWaitingPerLane = 0;
  for (const batch of arrivals) {
    for (const r of batch) {
      dropped.push(...enqueueLatest(waiting, r, lanes).map((d) => d.id));
      const perLane = new Map<string | null, number>();
      for (const w of waiting) if (w.lane !== null) perLane.set(w.lane, (perLane.get(w.lane) ?? 0) + 1);
      maxWaitingPerLane = Math.max(maxWaitingPerLane, ...perLane.values(), 0);
    }
    const next = waiting.shift(); // the one run of this time step
    if (next) ran.push(next.id);
  }
  return { ran, dropped, waiting, maxWaitingPerLane };
}

describe('enqueueLatest', () => {
  it('keeps at most one waiting request per lane, the newest', () => {
    const waiting: Req[] = [];
    expect(enqueueLatest(waiting, { id: 1, lane: 'main' }, lane)).toEqual([]);
    expect(enqueueLatest(waiting, { id: 2, lane: 'main' }, lane)).toEqual([{ id: 1, lane: 'main' }]);
    expect(waiting).toEqual([{ id: 2, lane: 'main' }]);
  });

  it('leaves other lanes and lane-less requests alone', () => {
    const waiting: Req[] = [{ id: 1, lane: null }, { id: 2, lane: 'compare' }, { id: 3, lane: 'main' }];
    expect(enqueueLatest(waiting, { id: 4, lane: 'main' }, lane).map((r) => r.id)).toEqual([3]);
    expect(enqueueLatest(waiting, { id: 5, lane: null }, lane)).toEqual([]);
    expect(waiting.map((r) => r.id)).toEqual([1, 2, 4, 5]);
  });

  it('a camera three times faster than the model: every run takes the newest frame, nothing queues up', () => {
    // Each time step the model runs once while three frames arrive.
    const arrivals = Array.from({ length: 10 }, (_, t) => [1, 2, 3].map((k) => ({ id: t * 3 + k, lane: 'main' })));
    const { ran, dropped, waiting, maxWaitingPerLane } = simulate(arrivals);
    expect(ran).toEqual(arrivals.map((batch) => batch[2]!.id));
    expect(maxWaitingPerLane).toBe(1);
    expect(dropped.length + ran.length + waiting.length).toBe(30);
    expect(waiting).toEqual([]);
  });

  it('a slow camera: no frame is dropped', () => {
    const arrivals = Array.from({ length: 6 }, (_, t) => (t % 2 === 0 ? [{ id: t, lane: 'main' }] : []));
    const { ran, dropped } = simulate(arrivals);
    expect(ran).toEqual([0, 2, 4]);
    expect(dropped).toEqual([]);
  });
});
