import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ManifestError, parseManifest } from './manifestValidate';

const path = resolve(import.meta.dirname, '../../public/models/convnext-atto-untrained/manifest.json');
const raw = () => JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;

describe('parseManifest', () => {
  it('accepts the committed default manifest', () => {
    const m = parseManifest(raw());
    expect(m.id).toBe('convnext-atto-untrained');
    expect(m.trained).toBe(false);
    expect(m.labels).toHaveLength(101);
    expect(m.input.shape).toEqual([1, 3, 224, 224]);
    expect(m.taps[0]!.name).toBe('features.0.0');
    expect(m.taps.at(-1)!.kind).toBe('logits');
  });

  it('names the first bad field', () => {
    const m = raw();
    delete (m.input as Record<string, unknown>).mean;
    expect(() => parseManifest(m)).toThrow(/"input\.mean" should be a list/);
  });

  it('rejects an unknown tap kind and a bad shape', () => {
    const m = raw();
    (m.taps as Record<string, unknown>[])[2]!.kind = 'attention';
    expect(() => parseManifest(m)).toThrow(/taps\[2\]\.kind/);
    const n = raw();
    (n.taps as Record<string, unknown>[])[0]!.shape = [40, 56];
    expect(() => parseManifest(n)).toThrow(/taps\[0\]\.shape/);
  });

  it('rejects labels that do not fit the head', () => {
    const m = raw();
    m.labels = (m.labels as string[]).slice(0, 10);
    expect(() => parseManifest(m)).toThrow(/10 labels but the logits tap has 101 classes/);
  });

  it('rejects duplicate taps, wrong schema versions and non-objects', () => {
    const m = raw();
    const taps = m.taps as unknown[];
    taps.push(taps[0]);
    expect(() => parseManifest(m)).toThrow(/twice/);
    expect(() => parseManifest({ ...raw(), schemaVersion: 2 })).toThrow(ManifestError);
    expect(() => parseManifest(null)).toThrow(/should be an object/);
    expect(() => parseManifest('<img src=x onerror=alert(1)>')).toThrow(ManifestError);
  });
});
