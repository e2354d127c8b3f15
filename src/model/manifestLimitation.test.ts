import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseManifest } from './manifestValidate';

const read = (id: string) =>
  JSON.parse(readFileSync(resolve(import.meta.dirname, `../../public/models/${id}/manifest.json`), 'utf8')) as Record<string, unknown>;

describe('manifest limitation and training record', () => {
  it('are optional: the untrained default has neither', () => {
    const m = parseManifest(read('convnext-atto-untrained'));
    expect(m.limitation).toBeUndefined();
    expect(m.training).toBeUndefined();
  });

  it('keeps a limitation string and rejects an empty one', () => {
    const raw = read('convnext-atto-untrained');
    raw.limitation = 'This network only knows 8 drawn shapes.';
    expect(parseManifest(raw).limitation).toBe('This network only knows 8 drawn shapes.');
    raw.limitation = '';
    expect(() => parseManifest(raw)).toThrow(/"limitation" should be a non-empty string/);
  });

  it('checks the training record', () => {
    const raw = read('convnext-atto-untrained');
    raw.training = { command: 'python3 model/train_shapes.py', seed: 0, torch: '1.13', wallSeconds: 10, heldOutAccuracy: 1.5, heldOutCount: 8 };
    expect(() => parseManifest(raw)).toThrow(/training\.heldOutAccuracy/);
  });

  it('keeps a valid training record as written', () => {
    const raw = read('convnext-atto-untrained');
    const training = { command: 'python3 model/train_shapes.py --seed 0', seed: 0, torch: '1.13', wallSeconds: 10, heldOutAccuracy: 0.5, heldOutCount: 8 };
    raw.training = training;
    expect(parseManifest(raw).training).toMatchObject(training);
  });
});
