/**
 * How long the grid's recent full paints took (ms), for `npm run bench` and one e2e check.
 * Never used for logic; exposed as `window.__convlensGridPaints` only with ?debug (src/app/debugHook.ts).
 */
export const gridPaints: number[] = [];

export function recordGridPaint(ms: number): void {
  gridPaints.push(ms);
  if (gridPaints.length > 500) gridPaints.shift();
}
