// @vitest-environment node
/**
 * The class evidence head found in real ONNX files, and the map computed from an
 * onnxruntime-node run against PyTorch's formula (model/golden/class-evidence.json,
 * made by model/make_class_evidence_golden.py on public/samples/coffee.png).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { classEvidence } from '../render/classEvidence';
import { findClassHead, type ClassHead } from './classHead';
import { readInitializers } from './onnxInitializers';
import { addGraphOutputs, readOnnx } from './onnxProto';
import { ensureTestModels, ROOT } from './testing/testModels';
import { ensureHubModel } from './testing/hubModel';
import { decodeNpy } from '../render/npy';

interface GoldenClass { index: number; logit: number; mapSum: number; constant: number; map: number[] }
interface GoldenModel { id: string; onnx: string; input: string; featureShape: number[]; norm: boolean; classes: GoldenClass[] }
const golden = JSON.parse(readFileSync(resolve(ROOT, 'model/golden/class-evidence.json'), 'utf8')) as { models: GoldenModel[] };
const PYTHON = process.env.CONVLENS_PYTHON ?? '/usr/bin/python3';

beforeAll(() => {
  ensureTestModels();
  if (golden.models.some((m) => !existsSync(resolve(ROOT, m.input)))) {
    // Writes the inputs (and the same golden JSON again) on a fresh checkout.
    execFileSync(PYTHON, [resolve(ROOT, 'model/make_class_evidence_golden.py')], { stdio: 'inherit', timeout: 600_000 });
  }
}, 900_000);

function headOf(bytes: Uint8Array, logits: string): ClassHead {
  const found = findClassHead(readOnnx(bytes), logits, (names) => readInitializers(bytes, names));
  if (!found.ok) throw new Error(found.reason);
  return found.head;
}

describe.each(golden.models)('class evidence: $id', (g) => {
  const bytes = new Uint8Array(readFileSync(resolve(ROOT, g.onnx)));
  const logitsName = readOnnx(bytes).outputs.find((o) => o.name === 'logits')!.name;

  it('finds the head by its graph pattern, with the right norm and sizes', () => {
    const head = headOf(bytes, logitsName);
    expect(head.channels).toBe(g.featureShape[0]);
    expect(head.norm !== null).toBe(g.norm);
    expect(head.weight.length).toBe(head.classes * head.channels);
  });

  it('map sum + constant == the onnxruntime logit (≤ 1e-4 relative), map == PyTorch formula', async () => {
    const head = headOf(bytes, logitsName);
    const session = await ort.InferenceSession.create(addGraphOutputs(bytes, [head.featureValue]));
    const input = new Float32Array(readFileSync(resolve(ROOT, g.input)).buffer.slice(0));
    const out = await session.run({ input: new ort.Tensor('float32', input, [1, 3, 224, 224]) });
    const a = out[head.featureValue]!;
    const logits = out[logitsName]!.data as Float32Array;
    expect(a.dims.slice(1)).toEqual(g.featureShape);
    for (const c of g.classes) {
      const e = classEvidence(a.data as Float32Array, a.dims, head, c.index);
      expect(Math.abs(e.logit - logits[c.index]!) / Math.max(Math.abs(logits[c.index]!), 1e-6)).toBeLessThan(1e-4);
      const range = Math.max(...c.map) - Math.min(...c.map);
      const worst = Math.max(...c.map.map((v, i) => Math.abs(v - e.map[i]!)));
      expect(worst / range).toBeLessThan(1e-4);
      expect(Math.abs(e.constant - c.constant)).toBeLessThan(1e-5 * Math.max(1, Math.abs(c.constant)));
    }
    await session.release();
  }, 120_000);
});

describe('findClassHead on heads that do not fit', () => {
  it('says why for a model whose logits are not a pooled Linear', () => {
    const bytes = new Uint8Array(readFileSync(resolve(ROOT, 'model/.cache/test-models/no-image-input.onnx')));
    const found = findClassHead(readOnnx(bytes), 'logits', (n) => readInitializers(bytes, n));
    expect(found.ok).toBe(false);
    if (!found.ok) expect(found.reason).toMatch(/fed by|pooled/);
  });
});

describe('class evidence: the Hub-style ConvNeXt (transformers module names, model/hf_convnext.py)', () => {
  it('finds pool → LayerNorm → Linear, and map sum + constant == the onnxruntime logit for the top classes', async () => {
    const repo = ensureHubModel();
    const bytes = new Uint8Array(readFileSync(resolve(repo.dir, 'onnx/model.onnx')));
    const logitsName = readOnnx(bytes).outputs.find((o) => o.name === 'logits')!.name;
    const head = headOf(bytes, logitsName);
    expect(head.norm).not.toBeNull();
    const session = await ort.InferenceSession.create(addGraphOutputs(bytes, [head.featureValue]));
    const { data: input, shape } = decodeNpy(new Uint8Array(readFileSync(repo.inputNpy)));
    const out = await session.run({ pixel_values: new ort.Tensor('float32', input, shape) });
    const a = out[head.featureValue]!;
    const logits = out[logitsName]!.data as Float32Array;
    expect(a.dims[1]).toBe(head.channels);
    const top = Array.from(logits.keys()).sort((i, j) => logits[j]! - logits[i]!).slice(0, 5);
    for (const c of top) {
      const e = classEvidence(a.data as Float32Array, a.dims, head, c);
      expect(Math.abs(e.logit - logits[c]!) / Math.max(Math.abs(logits[c]!), 1e-6)).toBeLessThan(1e-4);
      expect(Math.abs(e.mapSum + e.constant - logits[c]!) / Math.max(Math.abs(logits[c]!), 1e-6)).toBeLessThan(1e-4);
    }
    await session.release();
  }, 300_000);
});
