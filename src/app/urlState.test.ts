import { describe, expect, it } from 'vitest';
import { decodeStartup, decodeViewState, encodeViewState, withModelLink, type UrlViewState } from './urlState';

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

describe('start-up parameters and ?model=', () => {
  const base = 'https://example.org/convlens/';
  it('reads the backend, a bundled model id and a foreign model (a URL made absolute, or an hf: link)', () => {
    expect(decodeStartup('?backend=webgpu&modelId=convnext-tiny', base)).toEqual({ backend: 'webgpu', modelId: 'convnext-tiny', model: null });
    expect(decodeStartup('?backend=cuda&model=models/x.onnx', base)).toEqual({ backend: 'auto', modelId: null, model: { kind: 'url', url: 'https://example.org/convlens/models/x.onnx' } });
    expect(decodeStartup('?model=hf:Xenova/convnext-tiny-224:fp16', base).model).toEqual({ kind: 'hub', link: 'hf:Xenova/convnext-tiny-224:fp16' });
    expect(decodeStartup('?model=http://[bad', base).model).toBeNull();
  });

  it('names the loaded foreign model in ?model= and drops it for a bundled one, leaving the rest', () => {
    const search = withModelLink('?layer=stem&debug=', 'hf:Xenova/convnext-tiny-224');
    expect(new URLSearchParams(search).get('model')).toBe('hf:Xenova/convnext-tiny-224');
    expect(decodeStartup(search, base).model).toEqual({ kind: 'hub', link: 'hf:Xenova/convnext-tiny-224' });
    expect(withModelLink(search, null)).toBe('?layer=stem&debug=');
    expect(withModelLink('?model=https%3A%2F%2Fx.test%2Fm.onnx', null)).toBe('');
  });
});
