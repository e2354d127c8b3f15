import { useEffect, useRef, useState } from 'react';

/**
 * `value`, but changing at most once every `ms` milliseconds: while values come faster, the
 * newest one is shown when the interval is up, and none in between. `ms` ≤ 0 passes every value
 * straight through. The live camera's results come ten times a second; views that are costly to
 * redraw and small on screen follow them at this pace and leave the CPU to the model.
 */
export function useAtMostEvery<T>(value: T, ms: number): T {
  const [shown, setShown] = useState(value);
  const lastShown = useRef(Number.NEGATIVE_INFINITY);
  useEffect(() => {
    if (ms <= 0 || Object.is(value, shown)) return;
    const wait = Math.max(0, lastShown.current + ms - performance.now());
    const timer = setTimeout(() => {
      lastShown.current = performance.now();
      setShown(value);
    }, wait);
    return () => clearTimeout(timer);
  }, [value, ms, shown]);
  return ms <= 0 ? value : shown;
}
