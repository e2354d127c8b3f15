import { describe, expect, it } from 'vitest';
import { findClassHead } from './classHead';
import type { InitializerData } from './onnxInitializers';
import type { OnnxNode, OnnxSummary } from './onnxProto';

function node(opType: string, inputs: string[], outputs: string[], extra: Partial<OnnxNode> = {}): OnnxNode {
  return { name: `/${opType}`, opType, domain: '', inputs, outputs, ints: {}, ...extra };
}

function graph(nodes: OnnxNode[]): OnnxSummary {
  return { irVersion: 8, producer: 'test', opsets: [{ domain: '', version: 17 }], metadata: {}, inputs: [{ name: 'input', elemType: 1, dims: [1, 3, 8, 8] }], outputs: [{ name: 'logits', elemType: 1, dims: [1, 2] }], nodes };
}

const weights = (store: Record<string, InitializerData>) => (names: ReadonlySet<string>) => new Map([...names].filter((n) => n in store).map((n) => [n, store[n]!]));

describe('findClassHead patterns', () => {
  it('ReduceMean over H,W → Flatten → MatMul + Add (weights [K, classes])', () => {
    const found = findClassHead(
      graph([
        node('Conv', ['input', 'cw'], ['feat']),
        node('ReduceMean', ['feat'], ['pooled'], { ints: { axes: [2, 3] } }),
        node('Flatten', ['pooled'], ['flat']),
        node('MatMul', ['flat', 'W'], ['mm']),
        node('Add', ['b', 'mm'], ['logits']),
      ]),
      'logits',
      weights({ W: { dims: [3, 2], data: Float32Array.from([1, 2, 3, 4, 5, 6]) }, b: { dims: [2], data: Float32Array.from([0.5, -0.5]) } }),
    );
    expect(found.ok).toBe(true);
    if (!found.ok) return;
    expect(found.head.featureValue).toBe('feat');
    expect(found.head.norm).toBeNull();
    // Row c of the head is column c of the stored [K, classes] matrix.
    expect([...found.head.weight]).toEqual([1, 3, 5, 2, 4, 6]);
    expect([...found.head.bias]).toEqual([0.5, -0.5]);
  });

  it('GlobalAveragePool → Flatten → LayerNormalization (shared weight through Identity) → Gemm with alpha', () => {
    const found = findClassHead(
      graph([
        node('GlobalAveragePool', ['feat'], ['pooled']),
        node('Flatten', ['pooled'], ['flat']),
        node('Identity', ['ones'], ['ln.w']),
        node('LayerNormalization', ['flat', 'ln.w', 'ln.b'], ['normed'], { scalars: { axis: -1, epsilon: 1e-6 } }),
        node('Gemm', ['normed', 'W', 'b'], ['logits'], { scalars: { transB: 1, alpha: 2 } }),
      ]),
      'logits',
      weights({
        ones: { dims: [2], data: Float32Array.from([1, 1]) },
        'ln.b': { dims: [2], data: Float32Array.from([0, 0.5]) },
        W: { dims: [2, 2], data: Float32Array.from([1, 2, 3, 4]) },
        b: { dims: [2], data: Float32Array.from([1, 1]) },
      }),
    );
    expect(found.ok).toBe(true);
    if (!found.ok) return;
    expect(found.head.norm?.eps).toBeCloseTo(1e-6, 12);
    expect([...found.head.norm!.gamma]).toEqual([1, 1]);
    expect([...found.head.weight]).toEqual([2, 4, 6, 8]);
  });

  it('says why for an MLP head and for a head whose weights cannot be read', () => {
    const mlp = graph([
      node('GlobalAveragePool', ['feat'], ['pooled']),
      node('Flatten', ['pooled'], ['flat']),
      node('Gemm', ['flat', 'W1', 'b1'], ['hidden'], { scalars: { transB: 1 } }),
      node('Relu', ['hidden'], ['act']),
      node('Gemm', ['act', 'W2', 'b2'], ['logits'], { scalars: { transB: 1 } }),
    ]);
    const a = findClassHead(mlp, 'logits', weights({}));
    expect(a.ok).toBe(false);
    if (!a.ok) expect(a.reason).toMatch(/fed by Relu/);
    const external = graph([node('GlobalAveragePool', ['feat'], ['pooled']), node('Flatten', ['pooled'], ['flat']), node('Gemm', ['flat', 'W', 'b'], ['logits'], { scalars: { transB: 1 } })]);
    const b = findClassHead(external, 'logits', weights({}));
    expect(b.ok).toBe(false);
    if (!b.ok) expect(b.reason).toMatch(/weight/);
  });
});
