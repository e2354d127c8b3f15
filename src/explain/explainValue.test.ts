// @vitest-environment node
/**
 * Every explanation against onnxruntime: for every tap of four real models (the bundled
 * ConvNeXt, torchvision resnet18 and mobilenet_v3_small with seeded weights, a Hub-style
 * ConvNeXt), at seeded random positions and channels, the explained value and the sum of the
 * shown terms equal the tap's own output tensor. Tolerance: 1e-4 relative to the larger of
 * |value| and 1% of the sum of the magnitudes behind it (float32 cancellation: a sum of
 * large terms that nearly cancels cannot be closer than the terms' own rounding).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { findTapCandidates } from '../model/graphTaps';
import type { Manifest } from '../model/manifest';
import { addGraphOutputs, readOnnx, type OnnxSummary } from '../model/onnxProto';
import { ensureHubModel } from '../model/testing/hubModel';
import { ensureTestModels, readTestModel, ROOT } from '../model/testing/testModels';
import { buildFromCheckpoint } from '../checkpoint/buildFromCheckpoint';
import { syntheticWeights } from '../checkpoint/testing/syntheticWeights';
import type { ExplainPlan, Layout } from './explainPlan';
import { setupExplanation } from './explainSetup';
import { explainValue } from './explainValue';
import { sum, valueAt, type Tensor } from './explanation';
import { seededRandom as rng } from '../testing/seededRandom';

interface Target {
  value: string;
  kind: string;
  isLogits?: boolean;
  layout?: Layout;
}

interface Case {
  id: string;
  bytes: () => Uint8Array;
  input: string;
  size: number;
  targets: (s: OnnxSummary) => Target[];
  /** Plan kinds every target of the model must get (no 'other' where all ops are known). */
  kinds: ExplainPlan['kind'][];
}

const foreignTargets = (inputName: string) => (s: OnnxSummary): Target[] => [
  ...findTapCandidates(s, { name: inputName, layout: 'NCHW' }).map((c) => ({ value: c.value, kind: c.kind })),
  { value: s.outputs[0]!.name, kind: 'logits', isLogits: true },
];

const bundled = resolve(ROOT, 'public/models/convnext-atto-shapes');
const CASES: Case[] = [
  {
    id: 'bundled convnext-atto-shapes',
    bytes: () => new Uint8Array(readFileSync(resolve(bundled, 'model.onnx'))),
    input: 'input',
    size: 224,
    targets: (s) => {
      const m = JSON.parse(readFileSync(resolve(bundled, 'manifest.json'), 'utf8')) as Manifest;
      const taps = m.taps.map((t) => ({ value: t.name, kind: t.kind, isLogits: t.kind === 'logits' }));
      // One channel-last Linear (pwconv1: MatMul + bias Add) checked directly, as no tap shows it.
      const linear = s.nodes.find((n) => n.opType === 'Add' && n.name.endsWith('/block.3/Add'))!.outputs[0]!;
      return [...taps, { value: linear, kind: 'linear', layout: 'NHWC' }];
    },
    kinds: ['conv', 'layernorm', 'activation', 'add', 'pool', 'class-score', 'linear'],
  },
  { id: 'resnet18', bytes: () => readTestModel('resnet18.onnx'), input: 'input', size: 224, targets: foreignTargets('input'), kinds: ['conv', 'activation', 'add', 'pool', 'class-score'] },
  { id: 'mobilenet-v3-small', bytes: () => readTestModel('mobilenet-v3-small.onnx'), input: 'input', size: 224, targets: foreignTargets('input'), kinds: ['conv', 'activation', 'add', 'pool', 'linear'] },
  {
    id: 'hub convnext',
    bytes: () => new Uint8Array(readFileSync(resolve(ensureHubModel().dir, 'onnx/model.onnx'))),
    input: 'pixel_values',
    size: 224,
    targets: foreignTargets('pixel_values'),
    kinds: ['conv', 'layernorm', 'add', 'class-score'],
  },
];

// A ConvNeXt V2 built in the page from a timm checkpoint (seeded synthetic weights): GRN, and 1×1 convs as Linear layers.
const v2 = buildFromCheckpoint(syntheticWeights('timm-v2', { depths: [1, 2, 1, 1], widths: [8, 16, 24, 32], classes: 7 }), { fileName: 'x.pth', inputSize: 96 });
CASES.push({
  id: 'checkpoint-built ConvNeXt V2 (timm names)',
  bytes: () => v2.onnx,
  input: v2.manifest.input.name,
  size: 96,
  targets: () => v2.manifest.taps.map((t) => ({ value: t.output ?? t.name, kind: t.kind, isLogits: t.kind === 'logits' })),
  kinds: ['conv', 'layernorm', 'activation', 'grn', 'add', 'pool', 'class-score'],
});

beforeAll(() => {
  ensureTestModels();
  ensureHubModel();
}, 900_000);

const POSITIONS_PER_TARGET = 4;

describe.each(CASES)('explanations equal onnxruntime: $id', (c) => {
  it('for every tap, at random positions and channels', async () => {
    const bytes = c.bytes();
    const summary = readOnnx(bytes);
    const targets = c.targets(summary);
    const setups = targets.map((t) => ({ target: t, setup: setupExplanation(bytes, summary, t.value, t) }));
    const fetch = [...new Set(setups.flatMap(({ target, setup }) => [target.value, ...setup.values]))];
    const session = await ort.InferenceSession.create(addGraphOutputs(bytes, fetch.filter((v) => !summary.outputs.some((o) => o.name === v))));
    const random = rng(20261206);
    const input = Float32Array.from({ length: 3 * c.size * c.size }, () => random() * 4 - 2);
    const out = await session.run({ [c.input]: new ort.Tensor('float32', input, [1, 3, c.size, c.size]) });
    const tensors: Record<string, Tensor> = {};
    for (const [k, v] of Object.entries(out)) tensors[k] = { dims: v.dims, data: v.data as Float32Array };

    const seen = new Set<string>();
    let checked = 0;
    for (const { target, setup } of setups) {
      seen.add(setup.plan.kind);
      expect(setup.plan.kind, `${target.value} (${target.kind}): ${setup.plan.op}`).not.toBe('other');
      const t = tensors[target.value]!;
      const layout = target.layout ?? 'NCHW';
      const d = t.dims;
      const [C, H, W] = d.length === 4 ? (layout === 'NCHW' ? [d[1]!, d[2]!, d[3]!] : [d[3]!, d[1]!, d[2]!]) : [d.at(-1)!, 1, 1];
      for (let i = 0; i < POSITIONS_PER_TARGET; i++) {
        const p = { channel: Math.floor(random() * C), row: Math.floor(random() * H), col: Math.floor(random() * W) };
        const e = explainValue(setup.plan, { tensors, constants: setup.constants, head: setup.head }, p);
        const expected = valueAt(t, layout, p);
        const tolerance = 1e-4 * Math.max(Math.abs(expected), 0.01 * e.scale);
        const where = `${target.value} ${setup.plan.op} at ${JSON.stringify(p)}`;
        expect(Math.abs(e.value - expected), `${where}: ${e.value} vs ${expected}`).toBeLessThanOrEqual(tolerance);
        expect(Math.abs(sum(e.terms.map((x) => x.value)) - expected), `${where}: terms`).toBeLessThanOrEqual(tolerance);
        checked++;
      }
    }
    expect([...seen].sort()).toEqual([...c.kinds].sort());
    expect(checked).toBe(targets.length * POSITIONS_PER_TARGET);
  }, 300_000);
});

describe('setupExplanation', () => {
  it('fetches only the tensors just before the op of the selected layer', () => {
    const bytes = new Uint8Array(readFileSync(resolve(bundled, 'model.onnx')));
    const s = readOnnx(bytes);
    expect(setupExplanation(bytes, s, 'features.0.0').values).toEqual(['input']);
    expect(setupExplanation(bytes, s, 'features.1.0.block.0').values).toEqual(['features.0.1']);
    const gelu = setupExplanation(bytes, s, 'features.1.0.block.4');
    expect(gelu.plan).toMatchObject({ kind: 'activation', fn: 'GELU', input: { value: '/block.3/Add_output_0', layout: 'NHWC' } });
    const block = setupExplanation(bytes, s, 'features.1.0');
    expect(block.plan.kind).toBe('add');
    expect(block.values.sort()).toEqual(['/block.6/Transpose_output_0', 'features.0.1']);
    expect(block.constants['model.features.1.0.layer_scale']!.data.length).toBe(40);
    const stem = setupExplanation(bytes, s, 'features.0.0');
    expect(stem.constants['model.features.0.0.weight']!.dims).toEqual([40, 3, 4, 4]);
  });
});
