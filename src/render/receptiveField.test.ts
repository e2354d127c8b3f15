import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Manifest } from '../model/manifest';
import { positionAt, receptiveFieldBox } from './receptiveField';

const manifest = JSON.parse(
  readFileSync(resolve(import.meta.dirname, '../../public/models/convnext-atto-untrained/manifest.json'), 'utf8'),
) as Manifest;
const rfOf = (name: string) => manifest.taps.find((t) => t.name === name)!.receptiveField!;

describe('receptiveFieldBox', () => {
  it('stem features.0.0: position (i, j) covers [4j, 4j+4) × [4i, 4i+4), the 4×4 patch its conv reads', () => {
    const rf = rfOf('features.0.0');
    expect(rf).toEqual({ size: 4, stride: 4, offset: 2 });
    expect(receptiveFieldBox(rf, 0, 0, 224).clamped).toEqual({ x0: 0, y0: 0, x1: 4, y1: 4 });
    expect(receptiveFieldBox(rf, 3, 10, 224).clamped).toEqual({ x0: 40, y0: 12, x1: 44, y1: 16 });
    expect(receptiveFieldBox(rf, 55, 55, 224).clamped).toEqual({ x0: 220, y0: 220, x1: 224, y1: 224 });
  });

  it('stage-3 block features.5.0: size 256, stride 16; centre 8 + 16j, clamped to the crop', () => {
    // Hand computation: 2x2/2 downsamples give stride 4·2·2 = 16, centre of position 0 = 8;
    // the field is 256 wide, so column j spans [8 + 16j − 128, 8 + 16j + 128) = [16j − 120, 16j + 136).
    const rf = rfOf('features.5.0');
    expect(rf).toEqual({ size: 256, stride: 16, offset: 8 });
    const middle = receptiveFieldBox(rf, 7, 7, 224);
    expect(middle.unclamped).toEqual({ x0: -8, y0: -8, x1: 248, y1: 248 });
    expect(middle.clamped).toEqual({ x0: 0, y0: 0, x1: 224, y1: 224 });
    const corner = receptiveFieldBox(rf, 0, 0, 224);
    expect(corner.unclamped).toEqual({ x0: -120, y0: -120, x1: 136, y1: 136 });
    expect(corner.clamped).toEqual({ x0: 0, y0: 0, x1: 136, y1: 136 });
    const edge = receptiveFieldBox(rf, 13, 2, 224);
    expect(edge.clamped).toEqual({ x0: 0, y0: 88, x1: 168, y1: 224 });
  });

  it('stage-1 depthwise (7×7 after the stem): 28 px, position 5 centred on pixel 22', () => {
    const rf = rfOf('features.1.0.block.0');
    expect(receptiveFieldBox(rf, 5, 5, 224).clamped).toEqual({ x0: 8, y0: 8, x1: 36, y1: 36 });
  });
});

describe('positionAt', () => {
  it('maps display pixels to map cells', () => {
    expect(positionAt(0, 0, 336, 336, 56, 56)).toEqual({ row: 0, col: 0 });
    expect(positionAt(335.9, 6, 336, 336, 56, 56)).toEqual({ row: 1, col: 55 });
    expect(positionAt(336, 0, 336, 336, 56, 56)).toBeNull();
    expect(positionAt(-1, 0, 336, 336, 56, 56)).toBeNull();
  });
});
