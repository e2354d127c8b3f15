import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HASHED_ASSET, defaultModelFolder, precacheGlobs, precachedModelFolders } from './precache.config';

describe('defaultModelFolder', () => {
  it('follows the index default, as the app does', () => {
    const index = {
      default: 'convnext-tiny-imagenet-fp16',
      models: [
        { id: 'convnext-atto-untrained', manifest: 'convnext-atto-untrained/manifest.json' },
        { id: 'convnext-tiny-imagenet-fp16', manifest: 'convnext-tiny-imagenet-fp16/manifest.json' },
      ],
    };
    expect(defaultModelFolder(index)).toBe('models/convnext-tiny-imagenet-fp16');
  });
  it('falls back to the first model when the default is missing, like initApp', () => {
    expect(defaultModelFolder({ default: 'gone', models: [{ id: 'a', manifest: 'a/manifest.json' }] })).toBe('models/a');
  });
  it('fails loudly on an empty index', () => {
    expect(() => defaultModelFolder({ models: [] })).toThrow(/lists no models/);
  });
});

describe('precachedModelFolders', () => {
  it('is the default, every trained bundled model and the first untrained one, once each', () => {
    const index = {
      default: 'a',
      models: [
        { id: 'a', manifest: 'a/manifest.json', trained: false },
        { id: 'b', manifest: 'b/manifest.json', trained: true },
        { id: 'c', manifest: 'c/manifest.json', trained: false },
      ],
    };
    expect(precachedModelFolders(index)).toEqual(['models/a', 'models/b']);
    expect(precachedModelFolders({ ...index, default: 'b' })).toEqual(['models/b', 'models/a']);
    expect(precachedModelFolders({ ...index, default: 'c' })).toEqual(['models/c', 'models/b', 'models/a']);
  });
});

describe('precacheGlobs', () => {
  it('includes the committed default (the shapes network) and the untrained network it offers', () => {
    const globs = precacheGlobs(resolve(import.meta.dirname, '../../public/models/index.json'));
    expect(globs).toContain('models/convnext-atto-shapes/*.{json,onnx}');
    expect(globs).toContain('models/convnext-atto-untrained/*.{json,onnx}');
  });
  it('includes the web app manifest and its icons, so the installed app starts offline', () => {
    const globs = precacheGlobs(resolve(import.meta.dirname, '../../public/models/index.json'));
    expect(globs).toContain('manifest.webmanifest');
    expect(globs).toContain('icons/*.png');
  });
});

describe('HASHED_ASSET', () => {
  it('matches Vite hashed names only', () => {
    expect(HASHED_ASSET.test('assets/ort-wasm-simd-threaded-DcHrbrbl.wasm')).toBe(true);
    expect(HASHED_ASSET.test('assets/index-CNjtd09N.js')).toBe(true);
    expect(HASHED_ASSET.test('models/convnext-atto-untrained/model.onnx')).toBe(false);
    expect(HASHED_ASSET.test('index.html')).toBe(false);
  });
});
