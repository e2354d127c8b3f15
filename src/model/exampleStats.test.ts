// @vitest-environment node
/**
 * The statistics the model computes for the Examples view, on the committed default model in
 * onnxruntime-node: the same examples as the page's own scan of every tap's whole map.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { addPhotoStats, addPhotoTap, channelExamples, createTopK, tapGeometry } from '../examples/topK';
import { seededRandom } from '../testing/seededRandom';
import { addExampleStats } from './exampleStats';
import { parseManifest } from './manifestValidate';
import { readOnnx } from './onnxProto';
import { tapOutputName } from './taps';

const MODEL_DIR = resolve(import.meta.dirname, '../../public/models/convnext-atto-untrained');

describe('addExampleStats', () => {
  it('gives each channel the maximum, its first position and the mean the page finds in the whole map', async () => {
    const bytes = new Uint8Array(readFileSync(resolve(MODEL_DIR, 'model.onnx')));
    const manifest = parseManifest(JSON.parse(readFileSync(resolve(MODEL_DIR, 'manifest.json'), 'utf8')));
    const opset = readOnnx(bytes).opsets.find((o) => o.domain === '' || o.domain === 'ai.onnx')!.version;
    const values = manifest.taps.map((t) => (t.shape.length === 3 ? tapOutputName(t) : null));
    const { bytes: withStats, names } = addExampleStats(bytes, values, opset);
    expect(names.filter((n) => n === null)).toHaveLength(manifest.taps.filter((t) => t.shape.length !== 3).length);
    // Two photos in one run: random pixels in the range of normalised photos.
    const random = seededRandom(5);
    const size = 3 * 224 * 224;
    const input = Float32Array.from({ length: 2 * size }, () => (random() - 0.5) * 4);
    const full = await ort.InferenceSession.create(bytes);
    const stats = await ort.InferenceSession.create(withStats);
    try {
      const feeds = { [manifest.input.name]: new ort.Tensor('float32', input, [2, 3, 224, 224]) };
      const maps = await full.run(feeds);
      const fetched = [...new Set(names.flatMap((n, i) => (n ? [n.max, n.argmax, n.mean] : [tapOutputName(manifest.taps[i]!)])))];
      const got = await stats.run(feeds, fetched);
      const geometry = manifest.taps.map((t) => tapGeometry(t.name, [...maps[tapOutputName(t)]!.dims]));
      const scanned = createTopK('m', geometry);
      const computed = createTopK('m', geometry);
      for (let photo = 0; photo < 2; photo++) {
        const meansScanned = new Float32Array(scanned.totalChannels);
        const meansComputed = new Float32Array(computed.totalChannels);
        manifest.taps.forEach((t, i) => {
          const map = maps[tapOutputName(t)]!.data as Float32Array;
          const per = map.length / 2;
          addPhotoTap(scanned, i, photo, map.subarray(photo * per, (photo + 1) * per), meansScanned);
          const n = names[i];
          if (!n) return void addPhotoTap(computed, i, photo, (got[tapOutputName(t)]!.data as Float32Array).subarray(photo * per, (photo + 1) * per), meansComputed);
          const c = geometry[i]!.channels;
          const cut = <T extends Float32Array | BigInt64Array>(a: T) => a.subarray(photo * c, (photo + 1) * c) as T;
          addPhotoStats(computed, i, photo, cut(got[n.max]!.data as Float32Array), cut(got[n.argmax]!.data as BigInt64Array), cut(got[n.mean]!.data as Float32Array), meansComputed);
        });
        for (let j = 0; j < meansScanned.length; j++) expect(Math.abs(meansComputed[j]! - meansScanned[j]!)).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(meansScanned[j]!)));
      }
      let compared = 0;
      let samePlace = 0;
      scanned.taps.forEach((t, i) => {
        for (let ch = 0; ch < t.channels; ch++) {
          const a = channelExamples(t, scanned.k, ch);
          const b = channelExamples(computed.taps[i]!, computed.k, ch);
          expect(b.length).toBe(a.length);
          // Values within a tolerance (two sessions may pick other kernels); places equal but for near-ties.
          b.forEach((e, r) => expect(Math.abs(e.value - a[r]!.value)).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(a[r]!.value))));
          if (JSON.stringify(b.map((e) => [e.photo, e.row, e.col])) === JSON.stringify(a.map((e) => [e.photo, e.row, e.col]))) samePlace++;
          compared++;
        }
      });
      expect(compared).toBe(scanned.totalChannels);
      expect(samePlace / compared).toBeGreaterThan(0.99);
    } finally {
      await full.release();
      await stats.release();
    }
  });

  it('takes the reductions\' axes as an input from opset 18 on, and adds nothing without maps', () => {
    const empty = new Uint8Array([]);
    expect(addExampleStats(empty, [null], 17).bytes).toBe(empty);
    const v17 = new TextDecoder('latin1').decode(addExampleStats(empty, ['x'], 17).bytes);
    const v18 = new TextDecoder('latin1').decode(addExampleStats(empty, ['x'], 18).bytes);
    expect(v17).not.toContain('convlens_examples/axes');
    expect(v18).toContain('convlens_examples/axes');
  });
});
