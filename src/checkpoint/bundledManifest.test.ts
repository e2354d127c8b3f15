import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseManifest } from '../model/manifestValidate';
import { buildFromCheckpoint } from './buildFromCheckpoint';
import { bundledManifest, bundleId } from './bundledManifest';
import { ensureCheckpointFixtures, loadCheckpointCase } from './testing/checkpointFixtures';

beforeAll(() => {
  ensureCheckpointFixtures();
}, 600_000);

describe('bundledManifest', () => {
  it('makes an id that can name a folder', () => {
    expect(bundleId('convnext_food101.onnx')).toBe('convnext-food101');
    expect(bundleId('Model (1).onnx')).toBe('model-1');
    expect(bundleId('.onnx')).toBe('checkpoint-model');
  });

  it('is a valid bundled manifest with the graph checksum, every tap kept, and no derived block', () => {
    const c = loadCheckpointCase('torchvision-food101');
    const { onnx, manifest } = buildFromCheckpoint(c.rawWeights(), { fileName: c.file });
    const sha = createHash('sha256').update(onnx).digest('hex');
    const parsed = parseManifest(JSON.parse(JSON.stringify(bundledManifest(manifest, sha, onnx.byteLength))));
    expect(parsed.id).toBe('convnext-food101');
    expect(parsed.file).toMatchObject({ name: 'convnext_food101.onnx', sha256: sha, bytes: onnx.byteLength });
    expect(parsed.derived).toBeUndefined();
    expect(parsed.taps.map((t) => t.name)).toEqual(manifest.taps.map((t) => t.name));
    expect(parsed.labels).toHaveLength(101);
  });
});
