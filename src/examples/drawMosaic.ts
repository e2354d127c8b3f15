/**
 * A channel's portrait: its 9 strongest examples as a 3×3 mosaic (rank 1 top left), each
 * patch the receptive field around the maximum (patch.ts). Takes the canvas context and all
 * it needs; no store, no DOM lookups.
 */
import type { ReceptiveField } from '../model/manifest';
import { patchPlacement } from './patch';
import type { Example } from './topK';

export interface MosaicInput {
  examples: readonly Example[];
  /** Crop bitmaps by photo id (a missing one leaves its cell empty). */
  bitmaps: ReadonlyMap<number, ImageBitmap>;
  rf: ReceptiveField | null;
  grid: { height: number; width: number };
  cropSize: number;
  /** Side of the whole mosaic in canvas pixels. */
  side: number;
  columns?: number;
}

export function drawMosaic(ctx: CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D, input: MosaicInput, x = 0, y = 0): void {
  const columns = input.columns ?? 3;
  const cell = input.side / columns;
  ctx.fillStyle = '#000';
  ctx.fillRect(x, y, input.side, input.side);
  ctx.imageSmoothingEnabled = false;
  input.examples.forEach((e, i) => {
    const bitmap = input.bitmaps.get(e.photo);
    if (!bitmap) return;
    const cx = x + (i % columns) * cell;
    const cy = y + Math.floor(i / columns) * cell;
    const p = patchPlacement(input.rf, input.grid, e.row, e.col, input.cropSize, cell);
    const s = p.source;
    const t = p.target;
    if (s.x1 <= s.x0 || s.y1 <= s.y0) return;
    ctx.drawImage(bitmap, s.x0, s.y0, s.x1 - s.x0, s.y1 - s.y0, cx + t.x0, cy + t.y0, t.x1 - t.x0, t.y1 - t.y0);
    if (p.marker) {
      ctx.strokeStyle = '#ffeb3b';
      ctx.lineWidth = Math.max(1, cell / 40);
      ctx.strokeRect(cx + p.marker.x0, cy + p.marker.y0, p.marker.x1 - p.marker.x0, p.marker.y1 - p.marker.y0);
    }
  });
}
