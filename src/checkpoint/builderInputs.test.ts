/**
 * The builder's small pure parts: input settings per family, labels in their order of
 * preference, wrapper prefixes, and the embedded Food-101 names against model/labels/.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assertGeluActivation, checkpointInput, configLayerNormEps, withInputSize } from './checkpointInput';
import { checkpointLabels } from './checkpointLabels';
import { unwrapPrefixes } from './convnextSpec';
import { FOOD101_LABELS } from './food101Labels';
import { CheckpointError, type WeightMap } from './types';

describe('checkpointInput', () => {
  it("timm: floor(size / crop_pct), the cfg's interpolation, mean and std, torchvision's rounding", () => {
    const { input, source } = checkpointInput('timm', { pretrained_cfg: { input_size: [3, 288, 288], crop_pct: 0.95, interpolation: 'bilinear', mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] } }, undefined);
    expect(input).toMatchObject({ shape: [1, 3, 288, 288], resizeSize: 303, cropSize: 288, interpolation: 'bilinear', convention: 'torchvision', mean: [0.5, 0.5, 0.5], normalisation: 'custom' });
    expect(source).toMatch(/pretrained_cfg/);
    expect(checkpointInput('timm', undefined, undefined).input).toMatchObject({ resizeSize: 256, cropSize: 224, interpolation: 'bicubic', normalisation: 'imagenet' });
  });
  it('timm: refuses what it cannot follow, naming the field', () => {
    expect(() => checkpointInput('timm', { pretrained_cfg: { crop_mode: 'squash' } }, undefined)).toThrow(/crop_mode "squash"/);
    expect(() => checkpointInput('timm', { pretrained_cfg: { interpolation: 'lanczos' } }, undefined)).toThrow(CheckpointError);
    expect(() => checkpointInput('timm', { pretrained_cfg: { input_size: [3, 224, 160] } }, undefined)).toThrow(/input_size/);
    expect(() => checkpointInput('timm', { pretrained_cfg: { mean: [0.5, 0.5] } }, undefined)).toThrow(/pretrained_cfg\.mean/);
  });
  it("transformers: the repo's preprocessor_config.json, else facebook's ConvNeXt defaults; its errors become CheckpointErrors", () => {
    expect(checkpointInput('transformers', undefined, undefined).input).toMatchObject({ name: 'pixel_values', resizeSize: 256, cropSize: 224, interpolation: 'bicubic', convention: 'transformers' });
    expect(() => checkpointInput('transformers', undefined, { image_processor_type: 'ConvNextImageProcessor', resample: 1 })).toThrow(CheckpointError);
  });
  it("torchvision: bilinear 236 -> 224 with ImageNet's mean and std", () => {
    expect(checkpointInput('torchvision', { anything: 1 }, undefined).input).toMatchObject({ name: 'input', resizeSize: 236, cropSize: 224, interpolation: 'bilinear', convention: 'torchvision', std: [0.229, 0.224, 0.225] });
  });
  it('another input size keeps the resize-to-crop ratio; nonsense sizes are refused', () => {
    const tv = checkpointInput('torchvision', undefined, undefined).input;
    expect(withInputSize(tv, 160)).toMatchObject({ shape: [1, 3, 160, 160], cropSize: 160, resizeSize: 168 });
    expect(() => withInputSize(tv, 8)).toThrow(CheckpointError);
    expect(() => withInputSize(tv, 100.5)).toThrow(/32 to 1024/);
  });
  it('layer_norm_eps only when it is a sensible number', () => {
    expect(configLayerNormEps({ layer_norm_eps: 1e-6 })).toBe(1e-6);
    expect(configLayerNormEps({ layer_norm_eps: 'x' })).toBeUndefined();
    expect(configLayerNormEps(null)).toBeUndefined();
    expect(configLayerNormEps({ model_type: 'convnextv2', layer_norm_eps: 1e-6 })).toBe(1e-6);
    // A config that names another network (a Swin's, on a ConvNeXt V2 repo) is not this network's.
    expect(configLayerNormEps({ model_type: 'swin', layer_norm_eps: 1e-5 })).toBeUndefined();
  });
});

describe('checkpointLabels', () => {
  const id2label = (n: number, name = (i: number) => `c${i}`) => ({ id2label: Object.fromEntries(Array.from({ length: n }, (_, i) => [String(i), name(i)])) });
  it('a chosen file first, then id2label, then label_names', () => {
    expect(checkpointLabels(2, id2label(2), ['x', 'y'])).toEqual({ labels: ['x', 'y'], source: 'file' });
    expect(checkpointLabels(2, id2label(2), ['only one'])).toEqual({ labels: ['c0', 'c1'], source: 'config' });
    expect(checkpointLabels(2, { label_names: ['p', 'q'] }, undefined)).toEqual({ labels: ['p', 'q'], source: 'config' });
    expect(checkpointLabels(2, { pretrained_cfg: { label_names: ['p', 'q'] } }, undefined).labels).toEqual(['p', 'q']);
  });
  it("transformers' LABEL_i placeholders and incomplete maps are no names", () => {
    expect(checkpointLabels(3, id2label(3, (i) => `LABEL_${i}`), undefined)).toEqual({ labels: ['class 0', 'class 1', 'class 2'], source: 'none' });
    expect(checkpointLabels(3, id2label(2), undefined).source).toBe('none');
  });
  it('101 classes: Food-101; 1000: left to the app (ImageNet); no head: none', () => {
    expect(checkpointLabels(101, undefined, undefined)).toMatchObject({ source: 'food101' });
    expect(checkpointLabels(1000, undefined, undefined)).toEqual({ labels: [], source: 'none' });
    expect(checkpointLabels(null, id2label(2), ['a'])).toEqual({ labels: [], source: 'none' });
  });
  it("the embedded Food-101 names are model/labels/food101.txt's, in its order", () => {
    const file = readFileSync(resolve(import.meta.dirname, '../../model/labels/food101.txt'), 'utf8').split('\n').map((l) => l.trim()).filter(Boolean);
    expect([...FOOD101_LABELS]).toEqual(file);
  });
});

describe('unwrapPrefixes', () => {
  const map = (...keys: string[]): WeightMap => new Map(keys.map((k) => [k, { name: k, dtype: 'float32' as const, shape: [1], data: new Float32Array(1) }]));
  it("drops nn.DataParallel's and torch.compile's prefixes when every name has them", () => {
    expect([...unwrapPrefixes(map('module._orig_mod.features.0.0.weight', 'module._orig_mod.classifier.2.bias')).keys()]).toEqual(['features.0.0.weight', 'classifier.2.bias']);
    expect([...unwrapPrefixes(map('module.a', 'b')).keys()]).toEqual(['module.a', 'b']);
    expect(unwrapPrefixes(new Map()).size).toBe(0);
  });
});

describe('assertGeluActivation', () => {
  it('refuses a ConvNeXt config with another activation, by name', () => {
    expect(() => assertGeluActivation({ model_type: 'convnext', hidden_act: 'relu' })).toThrow(CheckpointError);
    expect(() => assertGeluActivation({ model_type: 'convnextv2', hidden_act: 'gelu_new' })).toThrow(/hidden_act is "gelu_new"/);
  });
  it('passes GELU, a config without hidden_act, and configs of other model types', () => {
    for (const config of [{ model_type: 'convnext', hidden_act: 'gelu' }, { model_type: 'convnext' }, { model_type: 'swin', hidden_act: 'relu' }, undefined, null, []]) {
      expect(() => assertGeluActivation(config)).not.toThrow();
    }
  });
});
