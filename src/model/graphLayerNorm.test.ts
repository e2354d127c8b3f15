import { describe, expect, it } from 'vitest';
import { findChannelsFirstNorms } from './graphLayerNorm';
import { findTapCandidates } from './graphTaps';
import { assignStagesByName, placeOfModule } from './moduleStages';
import type { OnnxNode, OnnxSummary } from './onnxProto';
import { graphReceptiveFields } from './receptiveField';

function node(name: string, opType: string, inputs: string[], outputs: string[], ints: Record<string, number[]> = {}): OnnxNode {
  return { name, opType, domain: '', inputs, outputs, ints };
}
function summary(nodes: OnnxNode[]): OnnxSummary {
  return { irVersion: 8, producer: 'test', opsets: [], metadata: {}, inputs: [], outputs: [{ name: 'logits', elemType: 1, dims: null }], nodes };
}

/** transformers' ConvNextLayerNorm (channels_first) as torch.onnx writes it, scope `scope`, input x -> output `${p}out`. */
function decomposedNorm(scope: string, x: string, p: string, withCasts = false): OnnxNode[] {
  const n = (op: string, ins: string[], out: string, ints: Record<string, number[]> = {}) => node(`${scope}/${op}_${out}`, op, ins, [p + out], ints);
  const src = withCasts ? `${p}xf` : x;
  return [
    ...(withCasts ? [node(`${scope}/Cast`, 'Cast', [x], [src], { to: [1] })] : []),
    n('ReduceMean', [src], 'u', { axes: [1], keepdims: [1] }),
    n('Sub', [src, p + 'u'], 'd'),
    n('Pow', [p + 'd', 'two'], 'sq'),
    n('ReduceMean', [p + 'sq'], 'v', { axes: [1], keepdims: [1] }),
    n('Add', [p + 'v', 'eps'], 've'),
    n('Sqrt', [p + 've'], 's'),
    n('Div', [p + 'd', p + 's'], 'y'),
    ...(withCasts ? [n('Cast', [p + 'y'], 'yc', { to: [1] }), n('Mul', ['w', p + 'yc'], 'm')] : [n('Mul', ['w', p + 'y'], 'm')]),
    n('Add', [p + 'm', 'b'], 'out'),
  ];
}

describe('channels-first LayerNorm', () => {
  it('finds the decomposed form (with or without casts) and names the tap after its module', () => {
    for (const casts of [false, true]) {
      const nodes = [
        node('/convnext/embeddings/patch_embeddings/Conv', 'Conv', ['pixel_values', 'w0'], ['c0'], { kernel_shape: [4, 4], strides: [4, 4], pads: [0, 0, 0, 0], group: [1] }),
        ...decomposedNorm('/convnext/embeddings/layernorm', 'c0', 'ln_', casts),
      ];
      expect(findChannelsFirstNorms(nodes).map((n) => n.output)).toEqual(['ln_out']);
      const c = findTapCandidates(summary(nodes), { name: 'pixel_values', layout: 'NCHW' });
      expect(c.map((t) => [t.name, t.kind, t.op, t.value])).toEqual([
        ['convnext.embeddings.patch_embeddings', 'conv', 'Conv', 'c0'],
        ['convnext.embeddings.layernorm', 'norm', 'LayerNorm', 'ln_out'],
      ]);
    }
  });

  it('does not take a mean over another axis for a channel LayerNorm', () => {
    const nodes = decomposedNorm('/ln', 'x', 'a_').map((n) => (n.opType === 'ReduceMean' ? { ...n, ints: { axes: [2, 3], keepdims: [1] } } : n));
    expect(findChannelsFirstNorms(nodes)).toEqual([]);
  });

  it('finds LayerNormalization between permutes (timm LayerNorm2d, torchvision stems)', () => {
    const nodes = [
      node('/stem/stem.0/Conv', 'Conv', ['x', 'w'], ['c'], { kernel_shape: [4, 4], strides: [4, 4], pads: [0, 0, 0, 0] }),
      node('/stem/stem.1/Transpose', 'Transpose', ['c'], ['t'], { perm: [0, 2, 3, 1] }),
      node('/stem/stem.1/LayerNormalization', 'LayerNormalization', ['t', 's', 'b'], ['ln'], { axis: [-1] }),
      node('/stem/stem.1/Transpose_1', 'Transpose', ['ln'], ['out'], { perm: [0, 3, 1, 2] }),
      node('/stages/stages.0/blocks/blocks.0/conv_dw/Conv', 'Conv', ['out', 'w2'], ['dw'], { kernel_shape: [7, 7], pads: [3, 3, 3, 3], group: [96] }),
    ];
    const c = findTapCandidates(summary(nodes), { name: 'x', layout: 'NCHW' });
    expect(c.map((t) => [t.name, t.kind, t.op, t.group])).toEqual([
      ['stem.0', 'conv', 'Conv', undefined],
      ['stem.1', 'norm', 'LayerNorm', undefined],
      ['stages.0.blocks.0.conv_dw', 'conv', 'Conv', 96],
    ]);
  });

  it('names Xenova-style scopes without a Sequential segment (/stages.1/layers.0/dwconv/Conv) the same way', () => {
    const nodes = [
      node('/convnext/encoder/stages.1/layers.0/dwconv/Conv', 'Conv', ['x', 'w'], ['dw'], { kernel_shape: [7, 7], pads: [3, 3, 3, 3], group: [192] }),
      node('/convnext/encoder/stages.1/layers.0/Add', 'Add', ['x', 'dw'], ['blk']),
    ];
    expect(findTapCandidates(summary(nodes), { name: 'x', layout: 'NCHW' }).map((t) => t.name)).toEqual([
      'convnext.encoder.stages.1.layers.0.dwconv',
      'convnext.encoder.stages.1.layers.0',
    ]);
  });
});

describe('graphReceptiveFields', () => {
  it('grows through convs and pools, keeps through element-wise ops and channel means, ends at global pools', () => {
    const s = summary([
      node('/a/Conv', 'Conv', ['x', 'w'], ['a'], { kernel_shape: [7, 7], strides: [2, 2], pads: [3, 3, 3, 3] }),
      node('/p/MaxPool', 'MaxPool', ['a'], ['p'], { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] }),
      node('/d/Conv', 'Conv', ['p', 'w2'], ['d'], { kernel_shape: [3, 3], dilations: [2, 2], pads: [2, 2, 2, 2] }),
      node('/Add', 'Add', ['d', 'p'], ['sum']),
      node('/ln/ReduceMean', 'ReduceMean', ['sum'], ['u'], { axes: [1], keepdims: [1] }),
      node('/gap/GlobalAveragePool', 'GlobalAveragePool', ['sum'], ['g']),
      node('/fc/Gemm', 'Gemm', ['g', 'fw'], ['logits']),
    ]);
    const f = graphReceptiveFields(s, 'x');
    expect(f.get('a')).toEqual({ size: 7, stride: 2, offset: 0.5 }); // centre of window 0 is pixel 0 (padding 3)
    expect(f.get('p')).toEqual({ size: 11, stride: 4, offset: 0.5 });
    expect(f.get('d')).toEqual({ size: 11 + 4 * 4, stride: 4, offset: 0.5 });
    expect(f.get('sum')).toEqual(f.get('d'));
    expect(f.get('u')).toEqual(f.get('d'));
    expect(f.has('g')).toBe(false);
    expect(f.has('logits')).toBe(false);
  });
});

describe('stages from module paths', () => {
  it('places Hugging Face and timm ConvNeXt modules', () => {
    expect(placeOfModule('convnext.embeddings.patch_embeddings')).toEqual({ stage: 0, block: null });
    expect(placeOfModule('convnext.encoder.stages.1.downsampling_layer.0')).toEqual({ stage: 2, block: null });
    expect(placeOfModule('convnext.encoder.stages.3.layers.2.dwconv')).toEqual({ stage: 4, block: 2 });
    expect(placeOfModule('stages.0.blocks.1.conv_dw')).toEqual({ stage: 1, block: 1 });
    expect(placeOfModule('stem.0')).toEqual({ stage: 0, block: null });
    expect(placeOfModule('layer1.0.conv1')).toBeNull();
  });

  it('gives up (null) unless every tap has a place, so other graphs keep size-based groups', () => {
    expect(assignStagesByName(['conv1', 'layer1.0'], [[64, 112, 112], [64, 56, 56]])).toBeNull();
    expect(assignStagesByName(['stem.0'], [[8, 4, 4]])).toBeNull();
    expect(assignStagesByName(['stem.0', 'stages.0.blocks.0', 'stages.1.downsample.0', 'stages.1.downsample.1'], [[8, 8, 8], [8, 8, 8], [8, 8, 8], [16, 4, 4]])).toEqual([
      { stage: 0, block: null, group: 'Stem · 8×8' },
      { stage: 1, block: 0, group: 'Stage 1 · 8×8' },
      { stage: 2, block: null, group: 'Stage 2 · 4×4' },
      { stage: 2, block: null, group: 'Stage 2 · 4×4' },
    ]);
  });
});
