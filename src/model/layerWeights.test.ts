// @vitest-environment node
/**
 * The weight behind each tap of the bundled model and of two torchvision exports, and its
 * values against the onnx package's own reading of the file (model/initializer_npy.py):
 * equal bit for bit, float16 widened to float32.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeNpy } from '../render/npy';
import { dequantize, findLayerWeight, readLayerWeights, type LayerWeights } from './layerWeights';
import { readInitializers } from './onnxInitializers';
import { readOnnx, type OnnxSummary } from './onnxProto';
import { ensureTestModels, ROOT, testModelPath } from './testing/testModels';

const PYTHON = process.env.CONVLENS_PYTHON ?? '/usr/bin/python3';
const BUNDLED = resolve(ROOT, 'public/models/convnext-atto-shapes/model.onnx');

/** The initializers as the onnx package reads them, written to .npy by Python. */
function pythonInitializers(model: string, names: string[]): Float32Array[] {
  const dir = mkdtempSync(join(tmpdir(), 'convlens-weights-'));
  execFileSync(PYTHON, [resolve(ROOT, 'model/initializer_npy.py'), model, dir, ...names], { timeout: 120_000 });
  return names.map((_, i) => decodeNpy(new Uint8Array(readFileSync(join(dir, `${i}.npy`)))).data);
}

function weightsOf(bytes: Uint8Array, summary: OnnxSummary, value: string): LayerWeights {
  const found = readLayerWeights(summary, value, (names, options) => readInitializers(bytes, names, options));
  if (!found.ok) throw new Error(found.reason);
  return found.weights;
}

function sameBits(a: Float32Array, b: Float32Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

function expectExact(model: string, found: LayerWeights[]): void {
  const expected = pythonInitializers(model, found.map((w) => w.initializer));
  found.forEach((w, i) => {
    expect(w.data.length, w.initializer).toBe(expected[i]!.length);
    expect(sameBits(w.data, expected[i]!), `${w.initializer} equals the onnx package's values bit for bit`).toBe(true);
  });
}

describe('layer weights of the bundled ConvNeXt-Atto (float16 stored)', () => {
  const bytes = new Uint8Array(readFileSync(BUNDLED));
  const summary = readOnnx(bytes);

  it('finds the stem, a depthwise conv, a linear behind its GELU, a downsampling conv and the head', () => {
    const stem = weightsOf(bytes, summary, 'features.0.0');
    expect(stem).toMatchObject({ opType: 'Conv', dims: [40, 3, 4, 4], group: 1, before: ['Cast'], after: [] });
    const dw = weightsOf(bytes, summary, 'features.1.0.block.0');
    expect(dw).toMatchObject({ opType: 'Conv', dims: [40, 1, 7, 7], group: 40 });
    const gelu = weightsOf(bytes, summary, 'features.1.0.block.4');
    expect(gelu.opType).toBe('MatMul');
    expect(gelu.node).toBe('/block.3/MatMul');
    expect(gelu.weightSecond).toBe(true);
    expect(gelu.dims).toEqual([40, 160]);
    expect(gelu.after).toEqual(expect.arrayContaining(['Add', 'Div', 'Erf', 'Mul', 'Transpose']));
    const down = weightsOf(bytes, summary, 'features.2.1');
    expect(down).toMatchObject({ opType: 'Conv', dims: [80, 40, 2, 2] });
    const head = weightsOf(bytes, summary, 'logits');
    expect(head).toMatchObject({ opType: 'Gemm', transB: true, dims: [8, 320] });
    expectExact(BUNDLED, [stem, dw, gelu, down, head]);
  });

  it('says why a LayerNorm, a residual add and the pooling have none', () => {
    const norm = findLayerWeight(summary, 'features.0.1');
    expect(norm).toEqual({ ok: false, reason: expect.stringMatching(/LayerNormalization.*no convolution or linear weights/) });
    const block = findLayerWeight(summary, 'features.1.0');
    expect(block).toEqual({ ok: false, reason: expect.stringMatching(/Add makes it from 2 different values/) });
    const pool = findLayerWeight(summary, 'avgpool');
    expect(pool).toEqual({ ok: false, reason: expect.stringMatching(/GlobalAveragePool/) });
    expect(findLayerWeight(summary, 'input').ok).toBe(false);
  });
});

describe('layer weights of foreign models (torchvision, float32 stored)', () => {
  beforeAll(() => {
    ensureTestModels();
  }, 900_000);

  it('resnet18: the 7×7 RGB stem, a Relu behind its conv, the fc head; none for a residual add', () => {
    const path = testModelPath('resnet18.onnx');
    const bytes = new Uint8Array(readFileSync(path));
    const summary = readOnnx(bytes);
    const stem = weightsOf(bytes, summary, '/conv1/Conv_output_0');
    expect(stem).toMatchObject({ opType: 'Conv', dims: [64, 3, 7, 7], before: [] });
    const relu = weightsOf(bytes, summary, '/layer1/layer1.0/relu/Relu_output_0');
    expect(relu).toMatchObject({ node: '/layer1/layer1.0/conv1/Conv', dims: [64, 64, 3, 3], after: ['Relu'] });
    const fc = weightsOf(bytes, summary, 'logits');
    expect(fc).toMatchObject({ opType: 'Gemm', initializer: 'fc.weight', dims: [1000, 512], transB: true });
    expect(findLayerWeight(summary, '/layer1/layer1.0/relu_1/Relu_output_0')).toEqual({ ok: false, reason: expect.stringMatching(/2 different values/) });
    expect(findLayerWeight(summary, '/maxpool/MaxPool_output_0')).toEqual({ ok: false, reason: expect.stringMatching(/MaxPool/) });
    expectExact(path, [stem, relu, fc]);
  });

  it('mobilenet_v3_small: a depthwise 3×3, a squeeze-excitation 1×1 conv, the classifier; none for the excitation Mul', () => {
    const path = testModelPath('mobilenet-v3-small.onnx');
    const bytes = new Uint8Array(readFileSync(path));
    const summary = readOnnx(bytes);
    const dw = weightsOf(bytes, summary, '/features/features.1/block/block.0/block.0.2/Relu_output_0');
    expect(dw).toMatchObject({ opType: 'Conv', dims: [16, 1, 3, 3], group: 16 });
    const fc1 = weightsOf(bytes, summary, '/features/features.1/block/block.1/fc1/Conv_output_0');
    expect(fc1).toMatchObject({ dims: [8, 16, 1, 1], group: 1 });
    const head = weightsOf(bytes, summary, '/classifier/classifier.1/HardSwish_output_0');
    expect(head).toMatchObject({ opType: 'Gemm', dims: [1024, 576], after: ['HardSwish'] });
    const mul = summary.nodes.find((n) => n.opType === 'Mul' && n.name.includes('features.1/block/block.1'))!;
    expect(findLayerWeight(summary, mul.outputs[0]!)).toEqual({ ok: false, reason: expect.stringMatching(/Mul makes it from 2 different values/) });
    expectExact(path, [dw, fc1, head]);
  });
});

describe('layer weights of a quantized model (weight-only int8, DequantizeLinear per output channel)', () => {
  it('follows DequantizeLinear to the int8 initializer and gives (q − zero point) × scale, equal to numpy in float32', () => {
    ensureTestModels();
    const dir = mkdtempSync(join(tmpdir(), 'convlens-int8-'));
    const model = join(dir, 'mobilenet-int8.onnx');
    // The project's own QDQ writer (model/onnx_int8.py), then numpy's float32 dequantization of two weights.
    const script = [
      'import sys, numpy as np, onnx',
      "sys.path.insert(0, 'model')",
      'import onnx_int8',
      `onnx_int8.to_int8_weights_graph(${JSON.stringify(testModelPath('mobilenet-v3-small.onnx'))}, ${JSON.stringify(model)})`,
      `m = onnx.load(${JSON.stringify(model)})`,
      'inits = {i.name: onnx.numpy_helper.to_array(i) for i in m.graph.initializer}',
      'for k, name in enumerate(sys.argv[1:]):',
      '    dq = next(n for n in m.graph.node if n.op_type == "DequantizeLinear" and n.input[0] == name)',
      '    axis = next((a.i for a in dq.attribute if a.name == "axis"), 1)',
      '    q, s, z = inits[dq.input[0]], inits[dq.input[1]], inits[dq.input[2]]',
      '    shape = [1] * q.ndim; shape[axis] = -1',
      `    np.save(${JSON.stringify(dir)} + f"/{k}.npy", ((q.astype(np.float32) - z.astype(np.float32).reshape(shape)) * s.reshape(shape)).astype(np.float32))`,
    ].join('\n');
    const stem = 'onnx::Conv_402_quantized';
    const head = 'classifier.0.weight_quantized';
    execFileSync(PYTHON, ['-c', script, stem, head], { cwd: ROOT, timeout: 300_000 });
    const bytes = new Uint8Array(readFileSync(model));
    const summary = readOnnx(bytes);
    const conv = weightsOf(bytes, summary, '/features/features.0/features.0.0/Conv_output_0');
    expect(conv).toMatchObject({ initializer: stem, dims: [16, 3, 3, 3], before: ['DequantizeLinear'], dequantize: { axis: 0 } });
    const gemm = weightsOf(bytes, summary, '/classifier/classifier.1/HardSwish_output_0');
    expect(gemm).toMatchObject({ initializer: head, dims: [1024, 576], transB: true });
    const want = [0, 1].map((k) => decodeNpy(new Uint8Array(readFileSync(join(dir, `${k}.npy`)))).data);
    expect(sameBits(conv.data, want[0]!)).toBe(true);
    expect(sameBits(gemm.data, want[1]!)).toBe(true);
  }, 300_000);
});

describe('dequantize', () => {
  const q = { dims: [2, 3], data: Float32Array.from([-127, 0, 127, 1, 2, 3]) };
  it('per tensor, per row (axis 0) and per column (axis 1 or −1), with a zero point', () => {
    expect(Array.from(dequantize(q, Float32Array.from([0.5]), null, 1)!)).toEqual([-63.5, 0, 63.5, 0.5, 1, 1.5]);
    expect(Array.from(dequantize(q, Float32Array.from([1, 2]), Float32Array.from([0, 1]), 0)!)).toEqual([-127, 0, 127, 0, 2, 4]);
    expect(Array.from(dequantize(q, Float32Array.from([1, 2, 4]), null, -1)!)).toEqual([-127, 0, 508, 1, 4, 12]);
  });
  it('refuses a scale that does not fit the axis', () => {
    expect(dequantize(q, Float32Array.from([1, 2]), null, 1)).toBeNull();
    expect(dequantize(q, Float32Array.from([1, 2]), Float32Array.from([0]), 0)).toBeNull();
  });
});
