import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { preprocess } from './preprocess';

// The same photo and numbers the model pipeline's PyTorch reference used (model/golden/*.json).
const root = resolve(import.meta.dirname, '../..');
const golden = JSON.parse(readFileSync(resolve(root, 'model/golden/convnext-atto-untrained.json'), 'utf8'));
const manifest = JSON.parse(readFileSync(resolve(root, 'public/models/convnext-atto-untrained/manifest.json'), 'utf8'));

describe('preprocess matches the PyTorch input of the model golden file', () => {
  it('coffee.png gives the tensor torchvision gave', () => {
    const png = PNG.sync.read(readFileSync(resolve(root, 'public/samples', golden.photo)));
    const { tensor } = preprocess(png.data, png.width, png.height, manifest.input);
    expect(tensor.length).toBe(3 * 224 * 224);
    const { indices, values } = golden.input.samples as { indices: number[]; values: number[] };
    indices.forEach((index, i) => expect(Math.abs(tensor[index]! - values[i]!)).toBeLessThan(1e-6));
    let sum = 0;
    let min = Infinity;
    let max = -Infinity;
    for (const v of tensor) {
      sum += v;
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    expect(min).toBeCloseTo(golden.input.min, 5);
    expect(max).toBeCloseTo(golden.input.max, 5);
    expect(sum / tensor.length).toBeCloseTo(golden.input.mean, 5);
  });
});
