import { describe, expect, it } from 'vitest';
import { MAX_ZOOM, pinchZoom, swipeStep } from './gestures';

describe('swipeStep', () => {
  it('turns a long sideways stroke into a layer step, leftward forward', () => {
    expect(swipeStep(-200, 10)).toBe(1);
    expect(swipeStep(200, -10)).toBe(-1);
  });
  it('ignores taps, short strokes and scrolls', () => {
    expect(swipeStep(0, 0)).toBe(0);
    expect(swipeStep(-59, 0)).toBe(0);
    expect(swipeStep(-60, 0)).toBe(1);
    // A diagonal that goes down more than half as far as across is a scroll.
    expect(swipeStep(-100, 51)).toBe(0);
    expect(swipeStep(-100, 50)).toBe(1);
    expect(swipeStep(5, 300)).toBe(0);
  });
});

describe('pinchZoom', () => {
  it('scales with the distance between the fingers', () => {
    expect(pinchZoom(1, 100, 250)).toBeCloseTo(2.5, 12);
    expect(pinchZoom(2, 200, 100)).toBeCloseTo(1, 12);
  });
  it('stays within its bounds and ignores a zero distance', () => {
    expect(pinchZoom(1, 100, 50)).toBe(1);
    expect(pinchZoom(4, 10, 1000)).toBe(MAX_ZOOM);
    expect(pinchZoom(3, 0, 100)).toBe(3);
    expect(pinchZoom(3, 100, 0)).toBe(3);
  });
});
