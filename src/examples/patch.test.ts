import { describe, expect, it } from 'vitest';
import { fieldCoversCrop, patchPlacement } from './patch';

const stem = { size: 4, stride: 4, offset: 2 };
const stage2 = { size: 104, stride: 8, offset: 4 };
const stage4 = { size: 752, stride: 32, offset: 16 };

describe('patchPlacement', () => {
  it('cuts the stem\'s 4×4 patch and fills the cell with it', () => {
    const p = patchPlacement(stem, { height: 56, width: 56 }, 12, 20, 224, 32);
    expect(p.source).toEqual({ x0: 80, y0: 48, x1: 84, y1: 52 });
    expect(p.target).toEqual({ x0: 0, y0: 0, x1: 32, y1: 32 });
    expect(p.marker).toBeNull();
  });

  it('clips a field at the crop\'s edge and keeps it where it lies in the field', () => {
    // Position (0, 0) of a 104-pixel field centred at 4: spans [-48, 56), of which [0, 56) is in the crop.
    const p = patchPlacement(stage2, { height: 28, width: 28 }, 0, 0, 224, 104);
    expect(p.source).toEqual({ x0: 0, y0: 0, x1: 56, y1: 56 });
    expect(p.target).toEqual({ x0: 48, y0: 48, x1: 104, y1: 104 });
  });

  it('shows the whole crop with the position\'s cell marked when the field covers it', () => {
    expect(fieldCoversCrop(stage4, 7, 7, 224)).toBe(true);
    expect(fieldCoversCrop(stage2, 28, 28, 224)).toBe(false);
    expect(fieldCoversCrop(null, 7, 7, 224)).toBe(true);
    expect(fieldCoversCrop(stem, 1, 1, 224)).toBe(true);
    const p = patchPlacement(stage4, { height: 7, width: 7 }, 3, 6, 224, 70);
    expect(p.source).toEqual({ x0: 0, y0: 0, x1: 224, y1: 224 });
    expect(p.marker).toEqual({ x0: 60, y0: 30, x1: 70, y1: 40 });
  });
});
