import type { ReceptiveField } from '../model/manifest';

/** Half-open pixel box [x0, x1) × [y0, y1) in the crop's coordinates. */
export interface PixelBox {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/**
 * The input pixels that output position (row, col) of a tap depends on. The manifest's
 * `offset` is the input coordinate of the centre of position 0 and `stride` the step
 * between positions, so the centre of (row, col) is offset + stride·(row|col) and the
 * field spans `size` pixels around it. Example: the stem (size 4, stride 4, offset 2)
 * maps column j to [4j, 4j+4): exactly the patch its 4×4 stride-4 conv reads.
 *
 * `clamped` cuts the box to the crop (deep layers see more than the photo, padding
 * included); `unclamped` is the geometric field, for saying how far it reaches.
 */
export function receptiveFieldBox(rf: ReceptiveField, row: number, col: number, cropSize: number): { clamped: PixelBox; unclamped: PixelBox } {
  const half = rf.size / 2;
  const cx = rf.offset + rf.stride * col;
  const cy = rf.offset + rf.stride * row;
  const unclamped = { x0: cx - half, y0: cy - half, x1: cx + half, y1: cy + half };
  const clamp = (v: number) => Math.max(0, Math.min(cropSize, v));
  return {
    unclamped,
    clamped: { x0: clamp(unclamped.x0), y0: clamp(unclamped.y0), x1: clamp(unclamped.x1), y1: clamp(unclamped.y1) },
  };
}

/** Map position under a point of a w×h display of a mapW×mapH map, or null outside it. */
export function positionAt(x: number, y: number, displayW: number, displayH: number, mapW: number, mapH: number): { row: number; col: number } | null {
  if (!(displayW > 0) || !(displayH > 0) || x < 0 || y < 0 || x >= displayW || y >= displayH) return null;
  return { col: Math.min(mapW - 1, Math.floor((x * mapW) / displayW)), row: Math.min(mapH - 1, Math.floor((y * mapH) / displayH)) };
}
