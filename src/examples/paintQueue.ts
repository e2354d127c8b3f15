/**
 * Mosaic paints spread over several tasks: a batch of results can change a hundred tiles at
 * once, and painting them in one go would hold the page for more than 50 ms. Jobs run in
 * order until a few milliseconds are spent, then the rest waits for the next task.
 */
const BUDGET_MS = 8;
const jobs: (() => void)[] = [];
let scheduled = false;

function run(): void {
  scheduled = false;
  const start = performance.now();
  while (jobs.length > 0 && performance.now() - start < BUDGET_MS) jobs.shift()!();
  if (jobs.length > 0) schedule();
}

function schedule(): void {
  if (scheduled) return;
  scheduled = true;
  setTimeout(run, 0);
}

export function queuePaint(job: () => void): void {
  jobs.push(job);
  schedule();
}
