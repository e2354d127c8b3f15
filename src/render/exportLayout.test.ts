import { describe, expect, it } from 'vitest';
import { EXPORT_GAP, EXPORT_PAD, exportLayout } from './exportLayout';

describe('exportLayout', () => {
  it('scales 56×56 stem tiles by an integer 2 and wraps them in rows', () => {
    const l = exportLayout({ tileCount: 40, mapWidth: 56, mapHeight: 56, maxWidth: 1280 });
    expect(l.scale).toBe(2);
    expect(l.tileWidth).toBe(112);
    expect(l.columns).toBe(Math.floor((1280 - 2 * EXPORT_PAD + EXPORT_GAP) / 120));
    expect(l.tiles).toHaveLength(40);
    expect(l.tiles[1]!.x - l.tiles[0]!.x).toBe(120);
    expect(l.tiles[l.columns]!.x).toBe(EXPORT_PAD);
    expect(l.tiles[l.columns]!.y).toBeGreaterThan(l.tiles[0]!.y + 112);
  });

  it('keeps everything inside the picture, colour bar below the last row', () => {
    for (const [n, w] of [[1, 7], [16, 14], [128, 28], [3, 1]] as const) {
      const l = exportLayout({ tileCount: n, mapWidth: w, mapHeight: w });
      expect(l.tileWidth).toBeGreaterThanOrEqual(96);
      expect(l.tileWidth % w).toBe(0);
      const last = l.tiles.at(-1)!;
      expect(last.x + l.tileWidth).toBeLessThanOrEqual(l.width - EXPORT_PAD);
      expect(l.colourBar.y).toBeGreaterThan(last.labelY);
      expect(l.colourBar.tickY).toBeLessThan(l.height);
      expect(l.colourBar.x + l.colourBar.width).toBeLessThanOrEqual(l.width);
    }
  });
});
