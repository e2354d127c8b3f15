import { describe, expect, it } from 'vitest';
import { LatestFrame } from './latestFrame';

describe('LatestFrame', () => {
  it('sends the first frame at once', () => {
    const q = new LatestFrame<number>();
    expect(q.offer(1)).toEqual({ send: 1, drop: null });
    expect(q.busy).toBe(true);
  });

  it('keeps one waiting frame, the newest, and drops the one it replaces', () => {
    const q = new LatestFrame<number>();
    q.offer(1);
    expect(q.offer(2)).toEqual({ send: null, drop: null });
    expect(q.offer(3)).toEqual({ send: null, drop: 2 });
    expect(q.offer(4)).toEqual({ send: null, drop: 3 });
    expect(q.done()).toEqual({ send: 4, drop: null });
    expect(q.busy).toBe(true);
    expect(q.done()).toEqual({ send: null, drop: null });
    expect(q.busy).toBe(false);
  });

  it('a camera three times faster than the model: every run takes the newest frame, nothing piles up', () => {
    const q = new LatestFrame<number>();
    const sent: number[] = [];
    const dropped: number[] = [];
    let open = 0;
    let maxOpen = 0;
    const apply = (step: { send: number | null; drop: number | null }) => {
      if (step.send !== null) sent.push(step.send);
      if (step.drop !== null) {
        dropped.push(step.drop);
        open--;
      }
    };
    let frame = 0;
    for (let run = 0; run < 10; run++) {
      for (let k = 0; k < 3; k++) {
        open++;
        apply(q.offer(++frame));
        maxOpen = Math.max(maxOpen, open);
      }
      open--; // the run in flight ends and its frame is closed by the worker
      apply(q.done());
    }
    // The first run takes frame 1; every later run the newest frame of the previous step.
    expect(sent).toEqual([1, 3, 6, 9, 12, 15, 18, 21, 24, 27, 30]);
    expect(maxOpen).toBeLessThanOrEqual(2);
    expect(sent.length + dropped.length).toBe(30 + 0);
  });

  it('clear hands back the waiting frame and forgets the one in flight', () => {
    const q = new LatestFrame<string>();
    q.offer('a');
    q.offer('b');
    expect(q.clear()).toBe('b');
    expect(q.busy).toBe(false);
    expect(q.offer('c')).toEqual({ send: 'c', drop: null });
  });
});
