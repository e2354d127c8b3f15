// @vitest-environment node
import { beforeAll, describe, expect, it } from 'vitest';
import { findTapCandidates, modulePathOfNode } from './graphTaps';
import { readOnnx, type OnnxNode, type OnnxSummary } from './onnxProto';
import { ensureTestModels, readTestGolden, readTestModel } from './testing/testModels';

beforeAll(() => {
  ensureTestModels();
}, 600_000);

function node(name: string, opType: string, inputs: string[], outputs: string[], ints: Record<string, number[]> = {}): OnnxNode {
  return { name, opType, domain: '', inputs, outputs, ints };
}
function summary(nodes: OnnxNode[], outputs = ['logits']): OnnxSummary {
  return { irVersion: 8, producer: 'test', opsets: [], metadata: {}, inputs: [], outputs: outputs.map((name) => ({ name, elemType: 1, dims: null })), nodes };
}

describe('modulePathOfNode', () => {
  it('turns torch scope names into module paths', () => {
    expect(modulePathOfNode('/layer1/layer1.0/relu/Relu')).toBe('layer1.0.relu');
    expect(modulePathOfNode('/layer1/layer1.1/relu_1/Relu')).toBe('layer1.1.relu_1');
    expect(modulePathOfNode('/features/features.0/features.0.0/Conv')).toBe('features.0.0');
    expect(modulePathOfNode('/features/features.1/block/block.0/block.0.0/Conv')).toBe('features.1.block.0.0');
    expect(modulePathOfNode('/conv1/Conv')).toBe('conv1');
    expect(modulePathOfNode('/Add')).toBe('');
    expect(modulePathOfNode('Conv_12')).toBe('');
  });
});

describe('findTapCandidates', () => {
  it('keeps conv, activation, norm, add and pool outputs of NCHW maps, in graph order, uniquely named', () => {
    const s = summary([
      node('/conv/Conv', 'Conv', ['x', 'w'], ['c']),
      node('/bn/BatchNormalization', 'BatchNormalization', ['c', 's', 'b', 'm', 'v'], ['n']),
      node('/act/Sigmoid', 'Sigmoid', ['n'], ['g']),
      node('/act/Mul', 'Mul', ['n', 'g'], ['silu']),
      node('/Add', 'Add', ['silu', 'c'], ['sum']),
      node('/Add_1', 'Add', ['sum', 'c'], ['sum2']),
      node('/pool/GlobalAveragePool', 'GlobalAveragePool', ['sum2'], ['p']),
      node('/Flatten', 'Flatten', ['p'], ['f']),
      node('/fc/Gemm', 'Gemm', ['f', 'fw', 'fb'], ['logits']),
    ]);
    const c = findTapCandidates(s, { name: 'x', layout: 'NCHW' });
    expect(c.map((t) => [t.name, t.op, t.kind, t.value])).toEqual([
      ['conv', 'Conv', 'conv', 'c'],
      ['bn', 'BatchNormalization', 'norm', 'n'],
      ['act', 'SiLU', 'activation', 'silu'],
      ['/Add', 'Add', 'add', 'sum'],
      ['/Add_1', 'Add', 'add', 'sum2'],
      ['pool', 'GlobalAveragePool', 'pool', 'p'],
    ]);
  });

  it('leaves out channel-last tensors between a permute and its inverse', () => {
    const s = summary([
      node('/b/b.0/Conv', 'Conv', ['x', 'w'], ['dw']),
      node('/b/b.1/Transpose', 'Transpose', ['dw'], ['t'], { perm: [0, 2, 3, 1] }),
      node('/b/b.2/LayerNormalization', 'LayerNormalization', ['t', 's', 'b'], ['ln']),
      node('/b/b.3/MatMul', 'MatMul', ['ln', 'w1'], ['mm']),
      node('/b/b.4/Relu', 'Relu', ['mm'], ['r']),
      node('/b/b.6/Transpose', 'Transpose', ['r'], ['back'], { perm: [0, 3, 1, 2] }),
      node('/Mul', 'Mul', ['scale', 'back'], ['scaled']),
      node('/Add', 'Add', ['scaled', 'x'], ['out']),
    ]);
    expect(findTapCandidates(s, { name: 'x', layout: 'NCHW' }).map((t) => t.name)).toEqual(['b.0', '/Add']);
  });

  it('follows an NHWC input through its transpose to NCHW', () => {
    const s = readOnnx(readTestModel('tiny-nhwc.onnx'));
    const names = findTapCandidates(s, { name: 'image', layout: 'NHWC' }).map((t) => t.name);
    expect(names).toEqual(['stem.0', 'stem.1', 'stage1.0', 'stage1.2', 'pool']);
    // Without the transpose the NHWC input itself is not a map the app draws.
    expect(findTapCandidates(s, { name: 'image', layout: 'NCHW' }).map((t) => t.name)).toEqual(names);
  });

  for (const id of ['resnet18', 'mobilenet-v3-small', 'convnext-atto']) {
    it(`finds every golden stage output of ${id} among the candidates`, () => {
      const golden = readTestGolden(id);
      const c = findTapCandidates(readOnnx(readTestModel(`${id}.onnx`)), { name: 'input', layout: 'NCHW' });
      const values = new Set(c.map((t) => t.value));
      for (const t of golden.taps) expect(values, t.module).toContain(t.value);
      expect(new Set(c.map((t) => t.name)).size).toBe(c.length);
    });
  }

  it('names resnet18 taps by module path and skips nothing a student expects', () => {
    const c = findTapCandidates(readOnnx(readTestModel('resnet18.onnx')), { name: 'input', layout: 'NCHW' });
    const names = c.map((t) => t.name);
    expect(names.slice(0, 4)).toEqual(['conv1', 'relu', 'maxpool', 'layer1.0.conv1']);
    expect(names).toContain('layer1.0.relu_1');
    expect(names).toContain('layer4.1');
    expect(names.at(-1)).toBe('avgpool');
    // 20 convs (BN folded in), 17 ReLUs, 8 residual adds, max and average pool.
    expect(c.filter((t) => t.kind === 'conv')).toHaveLength(20);
    expect(c.filter((t) => t.kind === 'activation')).toHaveLength(17);
    expect(c.filter((t) => t.kind === 'add')).toHaveLength(8);
    expect(c.filter((t) => t.kind === 'pool')).toHaveLength(2);
  });
});
