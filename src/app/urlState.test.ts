import { describe, expect, it } from 'vitest';
import { decodeViewState, encodeViewState, type UrlViewState } from './urlState';

describe('URL view state', () => {
  it('round-trips every field', () => {
    const state: UrlViewState = {
      layer: 'features.5.2.block.0',
      first: 16,
      count: 32,
      channel: 21,
      norm: 'symmetric',
      cmap: 'diverging',
      sample: 'coffee',
      compare: 'chelsea',
      view: 'compare',
      sort: 'max',
    };
    const search = encodeViewState(state);
    expect(search).toBe('?layer=features.5.2.block.0&first=16&count=32&channel=21&norm=symmetric&cmap=diverging&sample=coffee&compare=chelsea&view=compare&sort=max');
    expect(decodeViewState(search)).toEqual(state);
  });

  it('leaves parameters it does not own alone and drops empty fields', () => {
    expect(encodeViewState({ cmap: 'grey' }, '?backend=wasm&cmap=magma&channel=3')).toBe('?backend=wasm&cmap=grey');
    expect(encodeViewState({})).toBe('');
  });

  it('ignores unknown or malformed values', () => {
    expect(
      decodeViewState('?layer=<script>&first=-1&count=0&channel=1.5&norm=loud&cmap=jet&sample=pizza&view=3d&sort=random'),
    ).toEqual({});
    expect(decodeViewState('?first=99999999&cmap=cividis')).toEqual({ cmap: 'cividis' });
    expect(decodeViewState('')).toEqual({});
  });
});
