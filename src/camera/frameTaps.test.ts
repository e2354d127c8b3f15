import { describe, expect, it } from 'vitest';
import type { Tap } from '../model/manifest';
import { testManifest } from '../store/testing/fakeInference';
import { FrameTapsCursor, ROUND_FRAMES, frameTaps, type FrameTapsInput } from './frameTaps';

const base = testManifest('m');
const layer = (i: number): Tap => ({ ...base.taps[1]!, name: `features.${i}` });
// Twelve layers and the class scores: slices of ceil(13 / 5) = 3 taps.
const manifest = testManifest('m', { taps: [...Array.from({ length: 12 }, (_, i) => layer(i)), base.taps[2]!] });
const ask = (over: Partial<FrameTapsInput>) => frameTaps({ manifest, view: 'grid', selectedTap: 'features.7', sinceFull: 0, ...over });

describe('frameTaps', () => {
  it('the first frame of a camera (or of a model) brings every tap', () => {
    expect(ask({ sinceFull: null })).toBeNull();
  });

  it('then the chosen layer, the class scores and the next slice of layers, in manifest order', () => {
    expect(ask({ sinceFull: 0 })).toEqual(['features.0', 'features.1', 'features.2', 'features.7', 'logits']);
    expect(ask({ sinceFull: 1 })).toEqual(['features.3', 'features.4', 'features.5', 'features.7', 'logits']);
    expect(ask({ sinceFull: 2 })).toEqual(['features.6', 'features.7', 'features.8', 'logits']);
    expect(ask({ sinceFull: 3, selectedTap: 'logits' })).toEqual(['features.9', 'features.10', 'features.11', 'logits']);
    expect(ask({ sinceFull: 4, selectedTap: 'logits' })).toEqual(['logits']);
  });

  it('every layer comes back once in ROUND_FRAMES frames, and again in the next round', () => {
    const seen = new Set<string>();
    for (let f = 0; f < ROUND_FRAMES; f++) for (const name of ask({ sinceFull: f })!) seen.add(name);
    expect(seen.size).toBe(manifest.taps.length);
    expect(ask({ sinceFull: ROUND_FRAMES + 1 })).toEqual(ask({ sinceFull: 1 }));
  });

  it('views that read every layer get every tap with every frame', () => {
    expect(ask({ view: 'journey' })).toBeNull();
    expect(ask({ view: 'why' })).toBeNull();
    expect(ask({ view: 'strongest', sinceFull: 3 })).toEqual(['features.7', 'features.9', 'features.10', 'features.11', 'logits']);
    expect(ask({ view: 'compare', sinceFull: 3 })).toEqual(['features.7', 'features.9', 'features.10', 'features.11', 'logits']);
  });

  it('a layer this model does not have is not asked for', () => {
    expect(ask({ selectedTap: 'gone', sinceFull: 1 })).toEqual(['features.3', 'features.4', 'features.5', 'logits']);
    expect(ask({ selectedTap: null, sinceFull: 1 })).toEqual(['features.3', 'features.4', 'features.5', 'logits']);
  });
});

describe('FrameTapsCursor', () => {
  it('every tap first, then the slices in turn; again every tap after a reset or for another model', () => {
    const cursor = new FrameTapsCursor();
    expect(cursor.next(manifest, 'grid', 'features.7')).toBeNull();
    expect(cursor.next(manifest, 'grid', 'features.7')).toEqual(ask({ sinceFull: 0 }));
    expect(cursor.next(manifest, 'grid', 'features.7')).toEqual(ask({ sinceFull: 1 }));
    // The journey takes every tap, and the slices start over after it.
    expect(cursor.next(manifest, 'journey', 'features.7')).toBeNull();
    expect(cursor.next(manifest, 'grid', 'features.7')).toEqual(ask({ sinceFull: 0 }));
    const other = testManifest('other', { taps: manifest.taps });
    expect(cursor.next(other, 'grid', 'features.7')).toBeNull();
    cursor.reset();
    expect(cursor.next(other, 'grid', 'features.7')).toBeNull();
  });
});
