/**
 * Frames per second over the last second: the status line's `camera · <fps> fps`.
 * Times are performance.now() milliseconds; pure, so it is tested with made-up clocks.
 */
export class RateMeter {
  private readonly times: number[] = [];
  constructor(private readonly windowMs = 1000) {}

  tick(now: number): void {
    this.times.push(now);
    this.trim(now);
  }

  /** Frames per second: frames in the window over the span they cover (0 with fewer than 2). */
  rate(now: number): number {
    this.trim(now);
    const n = this.times.length;
    if (n < 2) return 0;
    // n frames mark n-1 intervals; with a steady rate this is exact, whatever the window.
    return ((n - 1) * 1000) / (this.times[n - 1]! - this.times[0]!);
  }

  reset(): void {
    this.times.length = 0;
  }

  private trim(now: number): void {
    // Keep one frame older than the window as the start of the first interval.
    while (this.times.length > 2 && this.times[1]! < now - this.windowMs) this.times.shift();
  }
}
