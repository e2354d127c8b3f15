/**
 * Where an example's patch comes from in its crop and where it goes in a mosaic cell: the
 * receptive field around the maximum's position (src/render/receptiveField.ts), cut at the
 * crop's edge and placed where it lies in the whole field, so a patch at the border shows
 * the border. A layer whose field covers the whole crop wherever it is shows the whole crop
 * with the position's grid cell marked instead.
 */
import type { ReceptiveField } from '../model/manifest';
import { receptiveFieldBox, type PixelBox } from '../render/receptiveField';

export interface PatchPlacement {
  /** The crop's pixels to draw. */
  source: PixelBox;
  /** Where they go, in a cell of side `cell`. */
  target: PixelBox;
  /** Whole crop shown: the position's cell on the tap's grid, in the cell's coordinates. */
  marker: PixelBox | null;
}

/** True when every position's field, cut at the crop's edge, is the whole crop (or the tap has no field). */
export function fieldCoversCrop(rf: ReceptiveField | null, height: number, width: number, cropSize: number): boolean {
  if (!rf || (height === 1 && width === 1)) return true;
  const corners = [receptiveFieldBox(rf, 0, 0, cropSize).clamped, receptiveFieldBox(rf, height - 1, width - 1, cropSize).clamped];
  return corners.every((b) => b.x0 <= 0 && b.y0 <= 0 && b.x1 >= cropSize && b.y1 >= cropSize);
}

export function patchPlacement(rf: ReceptiveField | null, grid: { height: number; width: number }, row: number, col: number, cropSize: number, cell: number): PatchPlacement {
  const whole = { x0: 0, y0: 0, x1: cropSize, y1: cropSize };
  if (fieldCoversCrop(rf, grid.height, grid.width, cropSize)) {
    // The grid cell: position (row, col) of an H×W map laid over the crop.
    const cw = cell / grid.width;
    const ch = cell / grid.height;
    return { source: whole, target: { x0: 0, y0: 0, x1: cell, y1: cell }, marker: { x0: col * cw, y0: row * ch, x1: (col + 1) * cw, y1: (row + 1) * ch } };
  }
  const { clamped, unclamped } = receptiveFieldBox(rf!, row, col, cropSize);
  const s = cell / (unclamped.x1 - unclamped.x0);
  return {
    source: clamped,
    target: { x0: (clamped.x0 - unclamped.x0) * s, y0: (clamped.y0 - unclamped.y0) * s, x1: (clamped.x1 - unclamped.x0) * s, y1: (clamped.y1 - unclamped.y0) * s },
    marker: null,
  };
}
