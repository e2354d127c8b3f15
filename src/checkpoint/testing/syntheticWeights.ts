/**
 * Weight maps with each family's names and shapes, filled from a seeded generator: for the
 * builder's unit tests (detection, errors, manifests). Numbers against PyTorch come from the
 * fixtures model/make_checkpoints.py writes, not from these.
 */
import type { WeightMap, WeightTensor } from '../types';

export type SyntheticFamily = 'transformers' | 'transformers-v2' | 'timm' | 'timm-conv-mlp' | 'timm-v2' | 'torchvision';

export interface SyntheticShape {
  depths: number[];
  widths: number[];
  /** 0: no classifier. */
  classes: number;
  /** transformers: 'convnext.' / 'convnextv2.' / '' (bare backbone). */
  prefix?: string;
}

function filler(seed: number): (n: number) => Float32Array {
  let s = seed >>> 0;
  return (n) => {
    const a = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      a[i] = (s / 2 ** 32 - 0.5) * 0.2;
    }
    return a;
  };
}

export function syntheticWeights(family: SyntheticFamily, shape: SyntheticShape, seed = 1): WeightMap {
  const fill = filler(seed);
  const w: WeightMap = new Map();
  const add = (name: string, dims: number[]): void => {
    const t: WeightTensor = { name, dtype: 'float32', shape: dims, data: fill(dims.reduce((a, b) => a * b, 1)) };
    w.set(name, t);
  };
  const conv = (p: string, o: number, i: number, k: number): void => { add(`${p}.weight`, [o, i, k, k]); add(`${p}.bias`, [o]); };
  const norm = (p: string, c: number): void => { add(`${p}.weight`, [c]); add(`${p}.bias`, [c]); };
  const linear = (p: string, o: number, i: number, asConv = false): void => { add(`${p}.weight`, asConv ? [o, i, 1, 1] : [o, i]); add(`${p}.bias`, [o]); };
  const { depths, widths, classes } = shape;
  const last = widths.at(-1)!;

  if (family === 'transformers' || family === 'transformers-v2') {
    const v2 = family === 'transformers-v2';
    const p = shape.prefix ?? (v2 ? 'convnextv2.' : 'convnext.');
    conv(`${p}embeddings.patch_embeddings`, widths[0]!, 3, 4);
    norm(`${p}embeddings.layernorm`, widths[0]!);
    depths.forEach((d, s) => {
      const st = `${p}encoder.stages.${s}`;
      const c = widths[s]!;
      if (s > 0) { norm(`${st}.downsampling_layer.0`, widths[s - 1]!); conv(`${st}.downsampling_layer.1`, c, widths[s - 1]!, 2); }
      for (let b = 0; b < d; b++) {
        const l = `${st}.layers.${b}`;
        add(`${l}.dwconv.weight`, [c, 1, 7, 7]); add(`${l}.dwconv.bias`, [c]);
        norm(`${l}.layernorm`, c);
        linear(`${l}.pwconv1`, 4 * c, c);
        if (v2) { add(`${l}.grn.weight`, [1, 1, 1, 4 * c]); add(`${l}.grn.bias`, [1, 1, 1, 4 * c]); }
        linear(`${l}.pwconv2`, c, 4 * c);
        if (!v2) add(`${l}.layer_scale_parameter`, [c]);
      }
    });
    norm(`${p}layernorm`, last);
    if (classes > 0 && p !== '') linear('classifier', classes, last);
    return w;
  }
  if (family.startsWith('timm')) {
    const convMlp = family === 'timm-conv-mlp';
    const v2 = family === 'timm-v2';
    conv('stem.0', widths[0]!, 3, 4);
    norm('stem.1', widths[0]!);
    depths.forEach((d, s) => {
      const c = widths[s]!;
      if (s > 0) { norm(`stages.${s}.downsample.0`, widths[s - 1]!); conv(`stages.${s}.downsample.1`, c, widths[s - 1]!, 2); }
      for (let b = 0; b < d; b++) {
        const l = `stages.${s}.blocks.${b}`;
        add(`${l}.conv_dw.weight`, [c, 1, 7, 7]); add(`${l}.conv_dw.bias`, [c]);
        norm(`${l}.norm`, c);
        linear(`${l}.mlp.fc1`, 4 * c, c, convMlp);
        if (v2) norm(`${l}.mlp.grn`, 4 * c);
        linear(`${l}.mlp.fc2`, c, 4 * c, convMlp);
        if (!v2) add(`${l}.gamma`, [c]);
      }
    });
    norm('head.norm', last);
    if (classes > 0) linear('head.fc', classes, last);
    return w;
  }
  conv('features.0.0', widths[0]!, 3, 4);
  norm('features.0.1', widths[0]!);
  depths.forEach((d, s) => {
    const c = widths[s]!;
    if (s > 0) { norm(`features.${2 * s}.0`, widths[s - 1]!); conv(`features.${2 * s}.1`, c, widths[s - 1]!, 2); }
    for (let b = 0; b < d; b++) {
      const l = `features.${2 * s + 1}.${b}`;
      add(`${l}.layer_scale`, [c, 1, 1]);
      add(`${l}.block.0.weight`, [c, 1, 7, 7]); add(`${l}.block.0.bias`, [c]);
      norm(`${l}.block.2`, c);
      linear(`${l}.block.3`, 4 * c, c);
      linear(`${l}.block.5`, c, 4 * c);
    }
  });
  norm('classifier.0', last);
  if (classes > 0) linear('classifier.2', classes, last);
  return w;
}
