// @vitest-environment node
/**
 * One run fetching every tap: with a stand-in session for the rules (output names, float16,
 * nothing left undisposed), and the committed default model on onnxruntime-node for real.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import * as ortNode from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import type { Manifest, Tap } from '../model/manifest';
import { parseManifest } from '../model/manifestValidate';
import type { Ort, Session } from './backend';
import type { TapOutput } from './protocol';
import { stackInputs, unstackOutputs } from './tapBatch';
import { runTaps, saneOutputs } from './tapRun';

const MODEL_DIR = resolve(import.meta.dirname, '../../public/models/convnext-atto-untrained');

const tap = (name: string, kind: Tap['kind'], shape: number[], output?: string): Tap => ({
  name,
  kind,
  stage: 0,
  block: null,
  shape,
  receptiveField: null,
  description: '',
  ...(output ? { output } : {}),
});
const out = (name: string, values: number[]): TapOutput => ({ name, dims: [1, values.length], data: new Float32Array(values) });

describe('saneOutputs', () => {
  const taps = [tap('stem', 'conv', [2, 1, 1]), tap('scores', 'logits', [3]), tap('pooled', 'pool', [2, 1, 1])];

  it('checks the class scores, found by kind wherever they sit', () => {
    expect(saneOutputs([out('stem', [0, 0]), out('scores', [0, 1, 2]), out('pooled', [0, 0])], { taps })).toBe(true);
    expect(saneOutputs([out('stem', [1, 1]), out('scores', [0, 0, 0]), out('pooled', [1, 1])], { taps })).toBe(false);
    expect(saneOutputs([out('stem', [1, 1]), out('scores', [0, NaN, 2]), out('pooled', [1, 1])], { taps })).toBe(false);
    expect(saneOutputs([out('stem', [1, 1]), out('pooled', [1, 1])], { taps })).toBe(false);
  });

  it('a model without a head: its last tap is checked instead', () => {
    const headless = [tap('a', 'conv', [1, 1, 1]), tap('b', 'block', [1, 1, 1])];
    expect(saneOutputs([out('a', [0]), out('b', [3])], { taps: headless })).toBe(true);
    expect(saneOutputs([out('a', [3]), out('b', [0])], { taps: headless })).toBe(false);
  });
});

/** A stand-in onnxruntime: tensors that record their disposal, a session answering `outputs`. */
function fakeOrt(outputs: Record<string, { type: string; data: ArrayLike<number> & ArrayBufferView; dims: number[] }>) {
  const disposed: string[] = [];
  class Tensor {
    readonly location = 'cpu';
    constructor(
      readonly type: string,
      readonly data: unknown,
      readonly dims: readonly number[],
      private readonly label = 'input',
    ) {}
    dispose() {
      disposed.push(this.label);
    }
  }
  const session = {
    run: () => Promise.resolve(Object.fromEntries(Object.entries(outputs).map(([name, o]) => [name, new Tensor(o.type, o.data, o.dims, name)]))),
  };
  return { ort: { Tensor } as unknown as Ort, session: session as unknown as Session, disposed };
}

const manifestWith = (taps: Tap[]): Manifest => ({ input: { name: 'pixels', shape: [1, 3, 1, 1] }, taps }) as unknown as Manifest;

describe('runTaps with a stand-in session', () => {
  it('reads each tap under its graph output, widens float16, and disposes every tensor', async () => {
    const { ort, session, disposed } = fakeOrt({
      '/stem/Conv_output_0': { type: 'float32', data: new Float32Array([1, 2]), dims: [1, 2, 1, 1] },
      output: { type: 'float16', data: new Uint16Array([0x3c00, 0xc000]), dims: [1, 2] },
    });
    const manifest = manifestWith([tap('stem', 'conv', [2, 1, 1], '/stem/Conv_output_0'), tap('output', 'logits', [2])]);
    const taps = await runTaps({ ort, session, manifest }, new Float32Array(3));
    expect(taps.map((t) => [t.name, t.dims, [...t.data]])).toEqual([
      ['stem', [1, 2, 1, 1], [1, 2]],
      ['output', [1, 2], [1, -2]],
    ]);
    expect(disposed.sort()).toEqual(['/stem/Conv_output_0', 'input', 'output']);
  });

  it('names a missing or non-float output, and still disposes everything', async () => {
    const { ort, session, disposed } = fakeOrt({ labels: { type: 'int64', data: new BigInt64Array(1) as never, dims: [1] } });
    await expect(runTaps({ ort, session, manifest: manifestWith([tap('stem', 'conv', [1, 1, 1])]) }, new Float32Array(3))).rejects.toThrow('The model returned no output "stem".');
    await expect(runTaps({ ort, session, manifest: manifestWith([tap('labels', 'logits', [1])]) }, new Float32Array(3))).rejects.toThrow('Output "labels" is int64, expected float32 or float16.');
    expect(disposed.sort()).toEqual(['input', 'input', 'labels', 'labels']);
  });
});

describe('runTaps on the default model (onnxruntime-node)', () => {
  it('returns every tap of the manifest, shaped as it says, in buffers the page can own', async () => {
    const manifest = parseManifest(JSON.parse(readFileSync(resolve(MODEL_DIR, 'manifest.json'), 'utf8')));
    const session = await ortNode.InferenceSession.create(resolve(MODEL_DIR, 'model.onnx'));
    try {
      const pixels = Float32Array.from({ length: 3 * 224 * 224 }, (_, i) => Math.sin(i) * 2);
      const taps = await runTaps({ ort: ortNode as unknown as Ort, session: session as unknown as Session, manifest }, pixels);
      expect(taps.map((t) => t.name)).toEqual(manifest.taps.map((t) => t.name));
      for (const [i, t] of taps.entries()) {
        expect(t.dims).toEqual([1, ...manifest.taps[i]!.shape]);
        expect(t.data.length).toBe(manifest.taps[i]!.shape.reduce((a, b) => a * b, 1));
        expect(t.data.byteOffset === 0 && t.data.byteLength === t.data.buffer.byteLength).toBe(true);
      }
      expect(new Set(taps.map((t) => t.data.buffer)).size).toBe(taps.length);
      expect(saneOutputs(taps, manifest)).toBe(true);

      // A live camera frame's few taps (src/camera/frameTaps.ts): in manifest order, equal to the full run's.
      const logits = manifest.taps.find((t) => t.kind === 'logits')!.name;
      const some = await runTaps({ ort: ortNode as unknown as Ort, session: session as unknown as Session, manifest }, pixels, [logits, 'features.3.1']);
      expect(some.map((t) => t.name)).toEqual(['features.3.1', logits]);
      for (const t of some) expect(t.data).toEqual(taps.find((f) => f.name === t.name)!.data);
      await expect(runTaps({ ort: ortNode as unknown as Ort, session: session as unknown as Session, manifest }, pixels, ['no.such.layer'])).rejects.toThrow('None of the taps asked for (no.such.layer) is in this model.');

      // Two photos in one run (the Examples view's folders): each photo's taps equal its own run's.
      const other = Float32Array.from({ length: pixels.length }, (_, i) => Math.cos(i * 0.3));
      const alone = await runTaps({ ort: ortNode as unknown as Ort, session: session as unknown as Session, manifest }, other);
      const both = unstackOutputs(await runTaps({ ort: ortNode as unknown as Ort, session: session as unknown as Session, manifest }, stackInputs([pixels, other]), null, 2), 2);
      for (const [photo, reference] of [[both[0]!, taps], [both[1]!, alone]] as const) {
        expect(photo.map((t) => t.dims)).toEqual(reference.map((t) => t.dims));
        for (const [i, t] of photo.entries()) {
          const ref = reference[i]!.data;
          const scale = ref.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
          const worst = t.data.reduce((m, v, j) => Math.max(m, Math.abs(v - ref[j]!)), 0);
          expect(worst, t.name).toBeLessThanOrEqual(1e-5 * Math.max(scale, 1));
        }
      }
    } finally {
      await session.release();
    }
  });
});
