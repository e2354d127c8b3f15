// @vitest-environment node
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { addGraphOutputs, OnnxFormatError, readOnnx } from './onnxProto';
import { ensureTestModels, readTestGolden, readTestModel } from './testing/testModels';

beforeAll(() => {
  ensureTestModels();
}, 600_000);

describe('readOnnx', () => {
  it('reads inputs, outputs, nodes and opsets of a plain torch export', () => {
    const s = readOnnx(readTestModel('resnet18.onnx'));
    expect(s.irVersion).toBeGreaterThanOrEqual(7);
    expect(s.producer).toMatch(/^pytorch/);
    expect(s.opsets).toContainEqual({ domain: '', version: 17 });
    // Initializers are not inputs to feed.
    expect(s.inputs).toEqual([{ name: 'input', elemType: 1, dims: [1, 3, 224, 224] }]);
    expect(s.outputs.map((o) => o.name)).toEqual(['logits']);
    const relu = s.nodes.find((n) => n.name === '/layer1/layer1.1/relu_1/Relu');
    expect(relu?.opType).toBe('Relu');
    expect(relu?.outputs).toEqual(['/layer1/layer1.1/relu_1/Relu_output_0']);
  });

  it('reports dynamic axes by name, metadata and integer attributes', () => {
    expect(readOnnx(readTestModel('mobilenet-v3-small.onnx')).inputs[0]!.dims).toEqual([1, 3, 'height', 'width']);
    const nhwc = readOnnx(readTestModel('tiny-nhwc.onnx'));
    expect(nhwc.inputs[0]).toEqual({ name: 'image', elemType: 1, dims: [1, 64, 64, 3] });
    expect(JSON.parse(nhwc.metadata.labels!)).toEqual(readTestGolden('tiny-nhwc').labels);
    expect(nhwc.nodes.find((n) => n.opType === 'Transpose')?.ints.perm).toEqual([0, 3, 1, 2]);
  });

  it('rejects bytes that are not an ONNX model', () => {
    expect(() => readOnnx(new TextEncoder().encode('{"this": "is json, not onnx"}'))).toThrow(OnnxFormatError);
    expect(() => readOnnx(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]))).toThrow(/not an ONNX model/);
    expect(() => readOnnx(new Uint8Array(0))).toThrow(OnnxFormatError);
  });
});

describe('addGraphOutputs', () => {
  it('adds outputs that onnxruntime computes, leaving the original outputs unchanged', async () => {
    const bytes = readTestModel('tiny-nhwc.onnx');
    const golden = readTestGolden('tiny-nhwc');
    const values = golden.taps.map((t) => t.value);
    const rewritten = addGraphOutputs(bytes, values);
    expect(rewritten.subarray(0, bytes.length)).toEqual(bytes);

    const input = new ort.Tensor('float32', new Float32Array(64 * 64 * 3).map((_, i) => Math.sin(i)), [1, 64, 64, 3]);
    const plain = await ort.InferenceSession.create(bytes);
    const tapped = await ort.InferenceSession.create(rewritten);
    expect(tapped.outputNames).toEqual(['logits', ...values]);
    const a = await plain.run({ image: input });
    const b = await tapped.run({ image: input });
    expect(b.logits!.data).toEqual(a.logits!.data);
    expect(b[values[0]!]!.dims).toEqual([1, ...golden.taps[0]!.shape]);
    expect(b[values[1]!]!.dims).toEqual([1, ...golden.taps[1]!.shape]);
    // readOnnx merges the appended graph fragment the way onnxruntime does.
    expect(readOnnx(rewritten).outputs.map((o) => o.name)).toEqual(['logits', ...values]);
    expect(readOnnx(rewritten).nodes).toEqual(readOnnx(bytes).nodes);
  });

  it('returns the same bytes when nothing is added', () => {
    const bytes = readTestModel('no-image-input.onnx');
    expect(addGraphOutputs(bytes, [])).toBe(bytes);
  });
});
