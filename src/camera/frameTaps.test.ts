import { describe, expect, it } from 'vitest';
import { testManifest } from '../store/testing/fakeInference';
import { FULL_FRAME_MS, frameTaps, type FrameTapsInput } from './frameTaps';

const manifest = testManifest('m');
const ask = (over: Partial<FrameTapsInput>) => frameTaps({ manifest, view: 'grid', selectedTap: 'features.1.0', lastFullAt: 1000, now: 1100, ...over });

describe('frameTaps', () => {
  it('the first frame of a camera (or of a model) brings every tap', () => {
    expect(ask({ lastFullAt: null })).toBeNull();
  });

  it('between full frames: the chosen layer and the class scores, in manifest order', () => {
    expect(ask({})).toEqual(['features.1.0', 'logits']);
    expect(ask({ selectedTap: 'logits' })).toEqual(['logits']);
    expect(ask({ now: 1000 + FULL_FRAME_MS - 1 })).toEqual(['features.1.0', 'logits']);
  });

  it('every FULL_FRAME_MS a frame brings every tap again', () => {
    expect(ask({ now: 1000 + FULL_FRAME_MS })).toBeNull();
  });

  it('views that read every layer get every tap with every frame', () => {
    expect(ask({ view: 'journey' })).toBeNull();
    expect(ask({ view: 'why' })).toBeNull();
    expect(ask({ view: 'strongest' })).toEqual(['features.1.0', 'logits']);
    expect(ask({ view: 'compare' })).toEqual(['features.1.0', 'logits']);
  });

  it('a layer this model does not have is not asked for; a model without a head and no layer gets every tap', () => {
    expect(ask({ selectedTap: 'gone' })).toEqual(['logits']);
    const headless = testManifest('h', { taps: manifest.taps.filter((t) => t.kind !== 'logits') });
    expect(frameTaps({ manifest: headless, view: 'grid', selectedTap: null, lastFullAt: 1000, now: 1100 })).toBeNull();
    expect(frameTaps({ manifest: headless, view: 'grid', selectedTap: 'features.0.0', lastFullAt: 1000, now: 1100 })).toEqual(['features.0.0']);
  });
});
