/**
 * The Filters view's performance mark, read the way `npm run bench` reads the grid's
 * `convlens:painted`: one `convlens:filters-painted` mark each time a layer's weights have
 * been drawn. detail.paintMs is the drawing alone (layout, colours, canvases);
 * detail.sinceRequestMs also counts reading the weights in the worker.
 */
import type { FilterLayout } from '../render/filters';

export interface FiltersPaintedDetail {
  tap: string;
  kind: FilterLayout['kind'];
  outputs: number;
  inputs: number;
  paintMs: number;
  sinceRequestMs: number;
}

export const FILTERS_PAINTED_MARK = 'convlens:filters-painted';

export function markFiltersPainted(tap: string, layout: FilterLayout, startedAt: number, requestedAt: number): void {
  const now = performance.now();
  const detail: FiltersPaintedDetail = { tap, kind: layout.kind, outputs: layout.outputs, inputs: layout.inputs, paintMs: now - startedAt, sinceRequestMs: now - requestedAt };
  performance.mark(FILTERS_PAINTED_MARK, { detail });
}
