import { describe, expect, it } from 'vitest';
import { DOWNLOAD_GAP_MS, nextDownloadSlot } from './downloadPacing';

describe('nextDownloadSlot', () => {
  it('starts a lone download at once, inside the click', () => {
    expect(nextDownloadSlot(0, 5_000)).toEqual({ delayMs: 0, nextFreeAt: 5_000 + DOWNLOAD_GAP_MS });
  });

  it('spaces a burst of clicks one gap apart, so no more than five start in any second', () => {
    let freeAt = 0;
    const starts: number[] = [];
    for (let i = 0; i < 14; i++) {
      const now = 1_000 + i; // fourteen clicks within 14 ms
      const slot = nextDownloadSlot(freeAt, now);
      starts.push(now + slot.delayMs);
      freeAt = slot.nextFreeAt;
    }
    expect(starts[0]).toBe(1_000);
    starts.slice(1).forEach((t, i) => expect(t - starts[i]!).toBe(DOWNLOAD_GAP_MS));
    for (const t of starts) expect(starts.filter((u) => u >= t && u < t + 1_000).length).toBeLessThanOrEqual(5);
  });

  it('waits only for what is left of the gap', () => {
    expect(nextDownloadSlot(1_200, 1_150)).toEqual({ delayMs: 50, nextFreeAt: 1_400 });
    expect(nextDownloadSlot(1_200, 1_300)).toEqual({ delayMs: 0, nextFreeAt: 1_500 });
  });
});
