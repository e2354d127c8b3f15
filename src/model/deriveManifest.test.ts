// @vitest-environment node
import { beforeAll, describe, expect, it } from 'vitest';
import { assignStages, deriveManifest, findImageInput, inputSpecFor, labelsFromMetadata, ModelInputError, parseLabelsText, resizeFor } from './deriveManifest';
import { findTapCandidates } from './graphTaps';
import { readOnnx, type OnnxSummary } from './onnxProto';
import { ensureTestModels, readTestModel } from './testing/testModels';

beforeAll(() => {
  ensureTestModels();
}, 600_000);

const withInputs = (inputs: OnnxSummary['inputs']): OnnxSummary => ({ irVersion: 8, producer: '', opsets: [], metadata: {}, inputs, outputs: [], nodes: [] });

describe('findImageInput', () => {
  it('reads layout and size from the input dims', () => {
    expect(findImageInput(readOnnx(readTestModel('resnet18.onnx')))).toEqual({ name: 'input', layout: 'NCHW', size: 224 });
    expect(findImageInput(readOnnx(readTestModel('mobilenet-v3-small.onnx')))).toEqual({ name: 'input', layout: 'NCHW', size: null });
    expect(findImageInput(readOnnx(readTestModel('tiny-nhwc.onnx')))).toEqual({ name: 'image', layout: 'NHWC', size: 64 });
    expect(findImageInput(withInputs([{ name: 'x', elemType: 1, dims: ['batch', 'h', 'w', 3] }]))).toEqual({ name: 'x', layout: 'NHWC', size: null });
  });

  it('refuses models without one image-like input, saying what they have', () => {
    expect(() => findImageInput(readOnnx(readTestModel('no-image-input.onnx')))).toThrow(/no image-like input.*"features" \[1, 10\]/);
    expect(() => findImageInput(withInputs([{ name: 'x', elemType: 7, dims: [1, 3, 8, 8] }]))).toThrow(ModelInputError);
    expect(() => findImageInput(withInputs([{ name: 'x', elemType: 1, dims: [1, 3, 224, 160] }]))).toThrow(/224×160/);
    expect(() => findImageInput(withInputs([{ name: 'x', elemType: 1, dims: [8, 3, 32, 32] }]))).toThrow(/batch of 8/);
    expect(() => findImageInput(withInputs([{ name: 'pixel_values', elemType: 10, dims: [1, 3, 224, 224] }]))).toThrow(/takes float16 input.*model_fp16\.onnx/);
  });

  it("takes optimum's all-dynamic [batch_size, num_channels, height, width] as NCHW", () => {
    const dims = ['batch_size', 'num_channels', 'height', 'width'];
    expect(findImageInput(withInputs([{ name: 'pixel_values', elemType: 1, dims }]))).toEqual({ name: 'pixel_values', layout: 'NCHW', size: null });
  });
});

describe('inputSpecFor', () => {
  it('uses 224 for dynamic sizes unless asked otherwise, with torchvision resize', () => {
    const dyn = { name: 'input', layout: 'NCHW' as const, size: null };
    expect(inputSpecFor(dyn)).toMatchObject({ shape: [1, 3, 224, 224], cropSize: 224, resizeSize: 256, normalisation: 'imagenet' });
    expect(inputSpecFor(dyn, { size: 160 })).toMatchObject({ shape: [1, 3, 160, 160], cropSize: 160, resizeSize: 183 });
    expect(inputSpecFor({ name: 'x', layout: 'NHWC', size: 64 }, { size: 300 })).toMatchObject({ shape: [1, 64, 64, 3], resizeSize: 73 });
    expect(resizeFor(224)).toBe(256);
  });

  it('applies presets and manual mean/std', () => {
    const img = { name: 'x', layout: 'NCHW' as const, size: 32 };
    expect(inputSpecFor(img, { normalisation: 'minus-one-one' })).toMatchObject({ mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] });
    expect(inputSpecFor(img, { normalisation: 'zero-one' })).toMatchObject({ mean: [0, 0, 0], std: [1, 1, 1] });
    expect(inputSpecFor(img, { normalisation: 'custom', mean: [0.1, 0.2, 0.3], std: [1, 2, 3] })).toMatchObject({ mean: [0.1, 0.2, 0.3], std: [1, 2, 3], normalisation: 'custom' });
    expect(() => inputSpecFor(img, { normalisation: 'custom', mean: [0, 0, 0], std: [1, 0, 1] })).toThrow(/positive/);
  });
});

describe('assignStages', () => {
  it('starts a stage when the spatial size changes, keeping 1×1 maps in the current one', () => {
    const s = assignStages([[64, 112, 112], [64, 56, 56], [64, 56, 56], [16, 1, 1], [64, 56, 56], [128, 28, 28], [512, 1, 1]]);
    expect(s.map((x) => x.stage)).toEqual([1, 2, 2, 2, 2, 3, 3]);
    expect(s.map((x) => x.group)).toEqual(['Stage 1 · 112×112', 'Stage 2 · 56×56', 'Stage 2 · 56×56', 'Stage 2 · 56×56', 'Stage 2 · 56×56', 'Stage 3 · 28×28', 'Stage 3 · 28×28']);
    expect(assignStages([[8, 1, 1]])).toEqual([{ stage: 1, group: 'Stage 1 · 1×1' }]);
  });
});

describe('labels', () => {
  it('reads labels from metadata as JSON, an index map, or a comma list', () => {
    expect(labelsFromMetadata({ labels: '["a","b"]' })).toEqual(['a', 'b']);
    expect(labelsFromMetadata({ classes: '{"0": "cat", "1": "dog"}' })).toEqual(['cat', 'dog']);
    expect(labelsFromMetadata({ names: 'x, y,z' })).toEqual(['x', 'y', 'z']);
    expect(labelsFromMetadata({ author: 'me' })).toBeNull();
  });
  it('parses labels.txt', () => {
    expect(parseLabelsText('tench\r\ngoldfish\n\n')).toEqual(['tench', 'goldfish']);
  });
});

describe('deriveManifest', () => {
  it('keeps 4-D float outputs, groups them by size and adds the head with metadata labels', () => {
    const summary = readOnnx(readTestModel('tiny-nhwc.onnx'));
    const image = findImageInput(summary);
    const candidates = findTapCandidates(summary, image);
    const outputs = new Map<string, { dims: number[]; type: string }>([
      ['logits', { dims: [1, 5], type: 'float32' }],
      [candidates[0]!.value, { dims: [1, 8, 32, 32], type: 'float32' }],
      [candidates[1]!.value, { dims: [1, 8, 32, 32], type: 'float32' }],
      [candidates[2]!.value, { dims: [1, 16, 16, 16], type: 'float32' }],
      [candidates[3]!.value, { dims: [1, 16, 16, 16], type: 'float32' }],
      [candidates[4]!.value, { dims: [1, 16], type: 'float32' }], // not 4-D: dropped
    ]);
    const m = deriveManifest({ summary, fileName: 'tiny-nhwc.onnx', bytes: 7199, sha256: 'ab'.repeat(32), image, input: inputSpecFor(image), candidates, outputs });
    expect(m.taps.map((t) => [t.name, t.group, t.shape])).toEqual([
      ['stem.0', 'Stage 1 · 32×32', [8, 32, 32]],
      ['stem.1', 'Stage 1 · 32×32', [8, 32, 32]],
      ['stage1.0', 'Stage 2 · 16×16', [16, 16, 16]],
      ['stage1.2', 'Stage 2 · 16×16', [16, 16, 16]],
      ['logits', 'Head', [5]],
    ]);
    expect(m.labels).toEqual(['dark', 'light', 'reddish', 'greenish', 'bluish']);
    expect(m.input).toMatchObject({ name: 'image', layout: 'NHWC', shape: [1, 64, 64, 3] });
    expect(m.derived).toEqual({ producer: expect.stringMatching(/^pytorch/), dynamicSize: false, labelsSource: 'metadata' });
  });
});
