/**
 * Where everything goes on the exported PNG of the grid: a title line, the tiles
 * (each an integer upscale of the channel, so every activation stays a crisp block),
 * their labels, and the colour bar with its ticks. Pure numbers, unit-tested; the
 * drawing is in exportGrid.ts.
 */
export interface ExportLayoutInput {
  tileCount: number;
  mapWidth: number;
  mapHeight: number;
  /** Widest the picture may be, in pixels. */
  maxWidth?: number;
  /** Smallest on-picture tile side; the integer scale is chosen to reach it. */
  minTile?: number;
}

export interface ExportTileBox {
  x: number;
  y: number;
  /** Baseline centre of the tile's label. */
  labelX: number;
  labelY: number;
}

export interface ExportLayout {
  width: number;
  height: number;
  scale: number;
  tileWidth: number;
  tileHeight: number;
  columns: number;
  titleY: number;
  tiles: ExportTileBox[];
  colourBar: { x: number; y: number; width: number; height: number; tickY: number };
}

export const EXPORT_PAD = 16;
export const EXPORT_GAP = 8;
export const EXPORT_LABEL_HEIGHT = 16;
export const EXPORT_TITLE_HEIGHT = 28;

export function exportLayout({ tileCount, mapWidth, mapHeight, maxWidth = 1600, minTile = 96 }: ExportLayoutInput): ExportLayout {
  const side = Math.max(1, mapWidth, mapHeight);
  const scale = Math.max(1, Math.ceil(minTile / side));
  const tileWidth = mapWidth * scale;
  const tileHeight = mapHeight * scale;
  const cell = tileWidth + EXPORT_GAP;
  const fit = Math.max(1, Math.floor((maxWidth - 2 * EXPORT_PAD + EXPORT_GAP) / cell));
  const columns = Math.max(1, Math.min(tileCount, fit));
  const rows = Math.ceil(tileCount / columns);
  const gridWidth = columns * cell - EXPORT_GAP;
  const width = Math.max(480, gridWidth + 2 * EXPORT_PAD);
  const gridTop = EXPORT_PAD + EXPORT_TITLE_HEIGHT;
  const rowHeight = tileHeight + EXPORT_LABEL_HEIGHT + EXPORT_GAP;
  const tiles: ExportTileBox[] = [];
  for (let i = 0; i < tileCount; i++) {
    const x = EXPORT_PAD + (i % columns) * cell;
    const y = gridTop + Math.floor(i / columns) * rowHeight;
    tiles.push({ x, y, labelX: x + tileWidth / 2, labelY: y + tileHeight + EXPORT_LABEL_HEIGHT - 4 });
  }
  const barTop = gridTop + rows * rowHeight + 4;
  const barWidth = Math.min(width - 2 * EXPORT_PAD, 512);
  const colourBar = { x: EXPORT_PAD, y: barTop, width: barWidth, height: 16, tickY: barTop + 16 + 14 };
  return { width, height: colourBar.tickY + EXPORT_PAD, scale, tileWidth, tileHeight, columns, titleY: EXPORT_PAD + 18, tiles, colourBar };
}
