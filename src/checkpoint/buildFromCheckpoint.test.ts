// @vitest-environment node
/**
 * The builder on each family's names and shapes (synthetic seeded weights): what it
 * recognises, the taps it names, the manifest it writes, that onnxruntime runs the graph and
 * returns every tap with the manifest's shape, and the sentences it refuses with.
 * Numbers against PyTorch: model/checkpointParity.test.ts.
 */
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { readOnnx } from '../model/onnxProto';
import { buildFromCheckpoint, MANIFEST_METADATA_KEY } from './buildFromCheckpoint';
import { syntheticWeights, type SyntheticFamily } from './testing/syntheticWeights';
import { CheckpointError, type WeightMap } from './types';

const TINY = { depths: [1, 2, 1, 1], widths: [8, 16, 24, 32], classes: 7 };

async function runAll(onnx: Uint8Array, inputName: string, size: number): Promise<Record<string, ort.Tensor>> {
  const session = await ort.InferenceSession.create(onnx);
  try {
    const data = new Float32Array(3 * size * size).map((_, i) => Math.sin(i * 0.37));
    return await session.run({ [inputName]: new ort.Tensor('float32', data, [1, 3, size, size]) });
  } finally {
    await session.release();
  }
}

describe('buildFromCheckpoint: every family runs, every tap comes back with its manifest shape', () => {
  const cases: [SyntheticFamily, string, string[]][] = [
    ['transformers', 'transformers ConvNextForImageClassification', ['convnext.embeddings.patch_embeddings', 'convnext.encoder.stages.2.layers.0.pwconv1', 'convnext.encoder.stages.1.layers.1', 'convnext.layernorm', 'classifier']],
    ['transformers-v2', 'transformers ConvNextV2ForImageClassification', ['convnextv2.encoder.stages.1.layers.1.grn', 'convnextv2.encoder.stages.3.downsampling_layer.1']],
    ['timm', 'timm convnext', ['stem.0', 'stem.1', 'stages.1.blocks.1.mlp.fc1', 'stages.1.blocks.1.mlp.act', 'stages.2.downsample.0', 'head.global_pool', 'head.norm', 'head.fc']],
    ['timm-conv-mlp', 'timm convnext (conv_mlp)', ['stages.0.blocks.0.conv_dw', 'stages.0.blocks.0.mlp.fc2']],
    ['timm-v2', 'timm convnextv2', ['stages.3.blocks.0.mlp.grn']],
    ['torchvision', 'torchvision ConvNeXt', ['features.0.0', 'features.3.1.block.0', 'features.3.1.block.3', 'features.3.1.block.4', 'features.4.1', 'features.7.0', 'avgpool', 'classifier.0', 'classifier.2']],
  ];
  for (const [family, recognised, names] of cases) {
    it(family, async () => {
      const { onnx, manifest } = buildFromCheckpoint(syntheticWeights(family, TINY), { fileName: 'weights.bin' });
      expect(manifest.weights.description).toContain(recognised);
      const tapNames = manifest.taps.map((t) => t.name);
      for (const n of names) expect(tapNames).toContain(n);
      const summary = readOnnx(onnx);
      expect(summary.outputs.map((o) => o.name)).toEqual(tapNames);
      const results = await runAll(onnx, manifest.input.name, manifest.input.cropSize);
      for (const tap of manifest.taps) {
        expect([...results[tap.name]!.dims], tap.name).toEqual([1, ...tap.shape]);
        expect(Number.isFinite(results[tap.name]!.data[0] as number), tap.name).toBe(true);
      }
      expect(manifest.taps.at(-1)).toMatchObject({ kind: 'logits', shape: [7], stage: 5 });
    });
  }
});

describe('buildFromCheckpoint: manifest', () => {
  it('groups taps by stage with blocks, receptive fields and the channels-last mark', () => {
    const { manifest } = buildFromCheckpoint(syntheticWeights('timm', TINY), { fileName: 'x.safetensors' });
    const byName = new Map(manifest.taps.map((t) => [t.name, t]));
    expect(byName.get('stem.0')).toMatchObject({ kind: 'conv', stage: 0, block: null, shape: [8, 56, 56], receptiveField: { size: 4, stride: 4, offset: 2 } });
    expect(byName.get('stages.0.blocks.0.conv_dw')).toMatchObject({ kind: 'depthwise', stage: 1, block: 0, receptiveField: { size: 28, stride: 4, offset: 2 } });
    expect(byName.get('stages.0.blocks.0.conv_dw')!.channelsLast).toBeUndefined();
    expect(byName.get('stages.1.blocks.1.mlp.fc1')).toMatchObject({ kind: 'conv', stage: 2, block: 1, shape: [64, 28, 28], channelsLast: true });
    expect(byName.get('stages.1.downsample.0')).toMatchObject({ kind: 'norm', stage: 2, block: null, shape: [8, 56, 56] });
    expect(byName.get('stages.1.downsample.1')).toMatchObject({ kind: 'downsample', stage: 2, shape: [16, 28, 28], receptiveField: { size: 28 + 4, stride: 8, offset: 4 } });
    expect(byName.get('head.norm')).toMatchObject({ kind: 'norm', stage: 5, shape: [32, 1, 1] });
    // timm's conv_mlp blocks compute channels-first: nothing to mark.
    const convMlp = buildFromCheckpoint(syntheticWeights('timm-conv-mlp', TINY), { fileName: 'x.pth' }).manifest;
    expect(convMlp.taps.some((t) => t.channelsLast)).toBe(false);
    expect(manifest.taps.every((t) => t.description.length > 20)).toBe(true);
  });

  it('the built .onnx carries its labels and manifest as metadata', () => {
    const { onnx, manifest } = buildFromCheckpoint(syntheticWeights('torchvision', { ...TINY, classes: 101 }), { fileName: 'convnext_food101.pth' });
    const summary = readOnnx(onnx);
    expect(summary.producer).toContain('ConvLens checkpoint builder');
    expect(summary.opsets).toEqual([{ domain: '', version: 17 }]);
    expect(JSON.parse(summary.metadata.labels!)).toEqual(manifest.labels);
    const { file, ...described } = manifest;
    expect(JSON.parse(summary.metadata[MANIFEST_METADATA_KEY]!)).toEqual(described);
    expect(file).toMatchObject({ name: 'convnext_food101.onnx', bytes: onnx.byteLength, opset: 17 });
  });

  it('names a real size and reads timm pretrained_cfg for the input', () => {
    const weights = syntheticWeights('timm-conv-mlp', { depths: [2, 2, 6, 2], widths: [40, 80, 160, 320], classes: 1000 });
    const config = { architecture: 'convnext_atto', pretrained_cfg: { input_size: [3, 224, 224], crop_pct: 0.95, interpolation: 'bicubic', mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] } };
    const { manifest } = buildFromCheckpoint(weights, { config, fileName: 'model.safetensors' });
    expect(manifest.arch).toBe('convnext_atto');
    expect(manifest.displayName).toBe('ConvNeXt-Atto · model.safetensors');
    expect(manifest.input).toMatchObject({ name: 'input', shape: [1, 3, 224, 224], resizeSize: 235, cropSize: 224, interpolation: 'bicubic', convention: 'torchvision' });
    // 1000 classes and no names: left for the app, which names them with ImageNet-1k's and says so.
    expect(manifest.labels).toEqual([]);
    expect(manifest.derived).toMatchObject({ labelsSource: 'none' });
  });

  it('reads transformers preprocessor_config.json, id2label and layer_norm_eps; a bare backbone has no logits', () => {
    const weights = syntheticWeights('transformers', TINY);
    const config = { layer_norm_eps: 1e-12, id2label: Object.fromEntries(Array.from({ length: 7 }, (_, i) => [String(i), `dish ${i}`])) };
    const pre = { image_processor_type: 'ConvNextImageProcessor', size: { shortest_edge: 224 }, crop_pct: 0.875, resample: 3, image_mean: [0.5, 0.5, 0.5], image_std: [0.5, 0.5, 0.5] };
    const { manifest } = buildFromCheckpoint(weights, { config, preprocessorConfig: pre, fileName: 'model.safetensors' });
    expect(manifest.input).toMatchObject({ name: 'pixel_values', resizeSize: 256, cropSize: 224, interpolation: 'bicubic', convention: 'transformers', mean: [0.5, 0.5, 0.5] });
    expect(manifest.labels[3]).toBe('dish 3');
    expect(manifest.derived?.labelsSource).toBe('config');
    const bare = buildFromCheckpoint(syntheticWeights('transformers', { ...TINY, prefix: '' }), { fileName: 'model.safetensors' }).manifest;
    expect(bare.taps.some((t) => t.kind === 'logits')).toBe(false);
    expect(bare.taps.map((t) => t.name)).toContain('encoder.stages.3.layers.0');
    expect(bare.taps.at(-1)!.name).toBe('layernorm');
  });

  it('torchvision: the eval transform, Food-101 names for a 101-way head, a chosen labels file first', () => {
    const weights = syntheticWeights('torchvision', { ...TINY, classes: 101 });
    const { manifest } = buildFromCheckpoint(weights, { fileName: 'convnext_food101.pth' });
    expect(manifest.input).toMatchObject({ resizeSize: 236, cropSize: 224, interpolation: 'bilinear', mean: [0.485, 0.456, 0.406] });
    expect(manifest.labels.slice(0, 2)).toEqual(['apple_pie', 'baby_back_ribs']);
    expect(manifest.derived?.labelsSource).toBe('food101');
    const given = Array.from({ length: 101 }, (_, i) => `mine ${i}`);
    expect(buildFromCheckpoint(weights, { fileName: 'c.pth', labels: given }).manifest.labels[100]).toBe('mine 100');
    const seven = buildFromCheckpoint(syntheticWeights('torchvision', TINY), { fileName: 'c.pth' }).manifest;
    expect(seven.labels).toEqual(['class 0', 'class 1', 'class 2', 'class 3', 'class 4', 'class 5', 'class 6']);
  });

  it('builds for another input size: every shape follows, onnxruntime runs it', async () => {
    const { onnx, manifest } = buildFromCheckpoint(syntheticWeights('timm-v2', TINY), { fileName: 'x.pth', inputSize: 96 });
    expect(manifest.input.shape).toEqual([1, 3, 96, 96]);
    expect(manifest.taps.find((t) => t.name === 'stages.3.blocks.0')!.shape).toEqual([32, 3, 3]);
    const results = await runAll(onnx, 'input', 96);
    expect([...results['stages.3.blocks.0']!.dims]).toEqual([1, 32, 3, 3]);
  });

  it("the tutorial's four layers on a ConvNeXt-Small shape, under torchvision's names", () => {
    const weights = syntheticWeights('torchvision', { depths: [3, 3, 27, 3], widths: [8, 8, 8, 8], classes: 101 });
    const { manifest } = buildFromCheckpoint(weights, { fileName: 'convnext_food101.pth' });
    const byName = new Map(manifest.taps.map((t) => [t.name, t]));
    expect(byName.get('features.0.0')).toMatchObject({ kind: 'conv', stage: 0, shape: [8, 56, 56] });
    expect(byName.get('features.3.0.block.0')).toMatchObject({ kind: 'depthwise', stage: 2, block: 0, shape: [8, 28, 28] });
    expect(byName.get('features.5.26.block.0')).toMatchObject({ kind: 'depthwise', stage: 3, block: 26, shape: [8, 14, 14] });
    expect(byName.get('features.7.2.block.0')).toMatchObject({ kind: 'depthwise', stage: 4, block: 2, shape: [8, 7, 7] });
    expect(byName.has('features.5.27.block.0')).toBe(false);
  });
});

describe('buildFromCheckpoint: refusals', () => {
  const build = (w: WeightMap) => () => buildFromCheckpoint(w, { fileName: 'x.safetensors' });
  it('a network that is not a ConvNeXt: says what its keys look like and that ONNX files load', () => {
    const w: WeightMap = new Map([['encoder.layer.0.attention.query.weight', { name: 'encoder.layer.0.attention.query.weight', dtype: 'float32', shape: [4, 4], data: new Float32Array(16) }]]);
    expect(build(w)).toThrow(CheckpointError);
    expect(build(w)).toThrow(/not a ConvNeXt.*encoder\.layer\.0\.attention\.query\.weight \(4×4\).*ONNX file/);
    expect(build(new Map())).toThrow(/holds no tensors at all/);
  });
  it('names the first missing tensor', () => {
    const w = syntheticWeights('timm', TINY);
    w.delete('stages.1.blocks.0.norm.bias');
    w.delete('stages.2.blocks.0.norm.bias');
    expect(build(w)).toThrow(/no tensor "stages\.1\.blocks\.0\.norm\.bias"/);
  });
  it('names the first misshapen tensor with both shapes', () => {
    const w = syntheticWeights('torchvision', TINY);
    const t = w.get('features.3.0.block.3.weight')!;
    w.set(t.name, { ...t, shape: [63, 16], data: t.data.subarray(0, 63 * 16) });
    expect(build(w)).toThrow(/"features\.3\.0\.block\.3\.weight" is 63×16; .* needs 64×16 or 64×16×1×1/);
  });
  it('a tensor whose data does not fill its shape', () => {
    const w = syntheticWeights('transformers-v2', TINY);
    const t = w.get('convnextv2.embeddings.layernorm.weight')!;
    w.set(t.name, { ...t, data: t.data.subarray(0, 3) });
    expect(build(w)).toThrow(/should hold 8 values but holds 3/);
  });
});
