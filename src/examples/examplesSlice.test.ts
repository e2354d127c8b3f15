import { describe, expect, it } from 'vitest';
import { examplesProgress } from './examplesSlice';

describe('examplesProgress', () => {
  it('counts the photos already in the loaded model\'s examples, of all photos', () => {
    const photo = (id: number) => ({ id, name: `${id}.png`, sampleId: null, image: new Blob(), isCrop: true });
    const results = { modelKey: 'm', state: null, processed: new Set([1, 3, 9]), means: new Map() };
    expect(examplesProgress({ examplePhotos: [photo(1), photo(2), photo(3)], exampleResults: results })).toEqual({ done: 2, total: 3 });
    expect(examplesProgress({ examplePhotos: [photo(1)], exampleResults: null })).toEqual({ done: 0, total: 1 });
  });
});
