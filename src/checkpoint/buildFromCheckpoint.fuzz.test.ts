/**
 * The builder on damaged weight maps and configs (seeded, no timing): tensors dropped, reshaped,
 * truncated or renamed, and configs of the wrong types. It builds, or throws CheckpointError;
 * nothing else escapes (no TypeError, no RangeError, no hang).
 */
import { describe, expect, it } from 'vitest';
import { buildFromCheckpoint } from './buildFromCheckpoint';
import { syntheticWeights, type SyntheticFamily } from './testing/syntheticWeights';
import { CheckpointError, type WeightMap } from './types';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

const FAMILIES: SyntheticFamily[] = ['transformers', 'transformers-v2', 'timm', 'timm-conv-mlp', 'timm-v2', 'torchvision'];
const CONFIGS: unknown[] = [undefined, null, 7, 'x', [], { pretrained_cfg: 3 }, { pretrained_cfg: { input_size: 'big' } }, { id2label: [1, 2] }, { layer_norm_eps: -1 }, { label_names: [1] }];

function damage(w: WeightMap, r: () => number): WeightMap {
  const keys = [...w.keys()];
  const key = keys[Math.floor(r() * keys.length)]!;
  const t = w.get(key)!;
  const out = new Map(w);
  switch (Math.floor(r() * 5)) {
    case 0: out.delete(key); break;
    case 1: out.set(key, { ...t, shape: t.shape.map((d) => d + 1) }); break;
    case 2: out.set(key, { ...t, data: t.data.subarray(0, Math.floor(t.data.length / 2)) }); break;
    case 3: out.set(key, { ...t, shape: [] }); break;
    default: out.delete(key); out.set(`${key}.renamed`, t); break;
  }
  return out;
}

describe('buildFromCheckpoint on damaged inputs', () => {
  it('builds or throws CheckpointError, for 240 seeded damages', () => {
    const r = rng(26);
    const outcomes = { built: 0, refused: 0 };
    for (let i = 0; i < 240; i++) {
      const family = FAMILIES[i % FAMILIES.length]!;
      const w = damage(syntheticWeights(family, { depths: [1, 1, 1, 1], widths: [4, 8, 8, 8], classes: 3 }, i), r);
      try {
        buildFromCheckpoint(w, { fileName: 'f.bin', config: CONFIGS[i % CONFIGS.length], preprocessorConfig: i % 7 === 0 ? { resample: 'x' } : undefined });
        outcomes.built++;
      } catch (e) {
        if (!(e instanceof CheckpointError)) throw e;
        expect(e.message.length).toBeGreaterThan(10);
        outcomes.refused++;
      }
    }
    // Both happen: some damage is harmless (a renamed extra key, a config the family ignores).
    expect(outcomes.refused).toBeGreaterThan(100);
    expect(outcomes.built).toBeGreaterThan(0);
  });
});
