/**
 * The readers on checkpoints as each library saves them (model/make_checkpoints.py: timm and
 * transformers safetensors, a transformers pytorch_model.bin, a torchvision .pth, float16 and
 * bfloat16): every tensor equals the one PyTorch wrote to weights.bin, name for name. Exact:
 * widening to float32 involves no arithmetic.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureCheckpointFixtures, loadCheckpointCase } from './testing/checkpointFixtures';
import { readCheckpoint } from './readCheckpoint';

let cases: string[] = [];
beforeAll(() => {
  cases = ensureCheckpointFixtures();
}, 600_000);

describe('readers on library-saved checkpoints', () => {
  it('read every tensor of every case exactly as PyTorch holds it', () => {
    expect(cases.length).toBeGreaterThanOrEqual(5);
    for (const name of cases) {
      const c = loadCheckpointCase(name);
      const bytes = new Uint8Array(readFileSync(resolve(c.dir, c.file)));
      const read = readCheckpoint(bytes, c.file);
      const raw = c.rawWeights();
      expect([...read.keys()].sort(), name).toEqual([...raw.keys()].sort());
      for (const [key, want] of raw) {
        const got = read.get(key)!;
        expect(got.shape, `${name} ${key}`).toEqual(want.shape);
        expect(got.dtype, `${name} ${key}`).toBe(want.dtype);
        expect(got.data.length, `${name} ${key}`).toBe(want.data.length);
        let same = true;
        for (let i = 0; i < want.data.length && same; i++) same = Object.is(got.data[i], want.data[i]);
        expect(same, `${name} ${key} differs`).toBe(true);
      }
    }
  });
});
