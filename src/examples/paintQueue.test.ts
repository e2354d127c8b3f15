import { afterEach, describe, expect, it, vi } from 'vitest';
import { queuePaint } from './paintQueue';

describe('queuePaint', () => {
  afterEach(() => vi.useRealTimers());

  it('runs jobs in order, never in the caller\'s task, and yields once a task has spent its budget', () => {
    vi.useFakeTimers();
    let now = 0;
    vi.spyOn(performance, 'now').mockImplementation(() => now);
    const ran: number[] = [];
    for (let i = 0; i < 5; i++) queuePaint(() => {
      ran.push(i);
      now += 3; // each paint takes 3 ms: three fit in the 8 ms budget
    });
    expect(ran).toEqual([]);
    vi.advanceTimersToNextTimer();
    expect(ran).toEqual([0, 1, 2]);
    vi.advanceTimersToNextTimer();
    expect(ran).toEqual([0, 1, 2, 3, 4]);
  });
});
