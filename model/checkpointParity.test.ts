// @vitest-environment node
/**
 * Checkpoint-built ConvNeXts against PyTorch, one case per family and storage (model/make_checkpoints.py):
 * the checkpoint file as its library saved it -> readCheckpoint (src/checkpoint/) -> buildFromCheckpoint
 * -> onnxruntime-node, on the photo PyTorch saw. Every module PyTorch hooks is a tap of the same name
 * (in the same order, with the same channels-last mark), every tap's values equal PyTorch's within
 * 1e-4 of the tap's largest magnitude (model/compare.ts's measure, every element compared), and the
 * top-5 classes are the same. float16/bfloat16 weights are widened to float32 by the reader and
 * PyTorch ran float32 on the same rounded weights, so 1e-4 holds for them too (the issue allows 2e-3).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildFromCheckpoint } from '../src/checkpoint/buildFromCheckpoint';
import { readCheckpoint } from '../src/checkpoint/readCheckpoint';
import { ensureCheckpointFixtures, loadCheckpointCase } from '../src/checkpoint/testing/checkpointFixtures';
import { compareTensors } from './compare';

const TOLERANCE = 1e-4;
const CASES = ['hf-convnext', 'hf-convnextv2-bin', 'hf-convnext-backbone', 'timm-atto', 'timm-v2-f16', 'timm-v1-bf16', 'timm-v2-convmlp', 'torchvision-food101'];

beforeAll(() => {
  expect(ensureCheckpointFixtures()).toEqual(CASES);
}, 600_000);

function top5(scores: Float32Array): number[] {
  return [...scores.keys()].sort((a, b) => scores[b]! - scores[a]!).slice(0, 5);
}

describe.each(CASES)('checkpoint %s built in the page equals PyTorch', (name) => {
  it('every tap within 1e-4 of its range, same names, same top-5', async () => {
    const c = loadCheckpointCase(name);
    const weights = readCheckpoint(new Uint8Array(readFileSync(resolve(c.dir, c.file))), c.file);
    // The reader gives exactly the float32 values PyTorch used (f16/bf16 widen exactly).
    const raw = c.rawWeights();
    expect([...weights.keys()].sort()).toEqual([...raw.keys()].sort());
    const differing = [...raw].filter(([k, t]) => {
      const read = weights.get(k)!.data;
      return read.length !== t.data.length || read.some((v, i) => !Object.is(v, t.data[i]));
    });
    expect(differing.map(([k]) => k)).toEqual([]);

    const { onnx, manifest } = buildFromCheckpoint(weights, { fileName: c.file, config: c.config, preprocessorConfig: c.preprocessorConfig });
    expect(manifest.taps.map((t) => t.name)).toEqual(c.taps.map((t) => t.name));
    expect(manifest.taps.map((t) => t.channelsLast === true)).toEqual(c.taps.map((t) => t.channelsLast));
    expect(manifest.input.shape).toEqual(c.inputShape);

    const session = await ort.InferenceSession.create(onnx);
    try {
      const results = await session.run({ [manifest.input.name]: new ort.Tensor('float32', c.input, c.inputShape) });
      const failures: string[] = [];
      let worst = 0;
      manifest.taps.forEach((tap, i) => {
        const ref = c.taps[i]!;
        expect(tap.shape, tap.name).toEqual(ref.shape);
        const cmp = compareTensors(tap.name, results[tap.name]!.data as Float32Array, c.tapData(ref), TOLERANCE);
        worst = Math.max(worst, cmp.relError);
        if (!cmp.ok) failures.push(`${tap.name}: ${cmp.relError.toExponential(2)}${cmp.reason ? ` (${cmp.reason})` : ''}`);
      });
      if (process.env.CHECKPOINT_PARITY_REPORT) console.log(`${name}: worst ${worst.toExponential(2)} over ${manifest.taps.length} taps`);
      expect(failures).toEqual([]);
      expect(worst).toBeLessThanOrEqual(TOLERANCE);
      const logits = manifest.taps.find((t) => t.kind === 'logits');
      expect(logits ? top5(results[logits.name]!.data as Float32Array) : null).toEqual(c.top5);
    } finally {
      await session.release();
    }
  });
});
