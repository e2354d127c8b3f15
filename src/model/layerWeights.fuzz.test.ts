/**
 * Random graphs (cycles, dangling inputs, long chains, every op the walk knows and some it
 * does not) and mangled initializers: findLayerWeight and readLayerWeights answer with a
 * weight or a reason, never throw, and finish quickly: the walk is bounded by MAX_STEPS and
 * a seen set, the weight-side walk by its length, and `dequantize` checks its shapes.
 */
import { describe, expect, it } from 'vitest';
import { dequantize, findLayerWeight, readLayerWeights } from './layerWeights';
import type { OnnxNode, OnnxSummary } from './onnxProto';
import { seededRandom as random } from '../testing/seededRandom';

const OPS = ['Conv', 'Gemm', 'MatMul', 'Add', 'Mul', 'Div', 'Erf', 'Relu', 'Transpose', 'Reshape', 'Cast', 'Identity', 'DequantizeLinear', 'Constant', 'LayerNormalization', 'GlobalAveragePool', 'Clip', 'Weird'];

function randomGraph(next: () => number, size: number): OnnxSummary {
  const values = () => (next() < 0.15 ? `init${Math.floor(next() * 5)}` : `v${Math.floor(next() * size * 1.2)}`);
  const nodes: OnnxNode[] = Array.from({ length: size }, (_, i) => {
    const opType = OPS[Math.floor(next() * OPS.length)]!;
    const inputs = opType === 'Constant' ? [] : Array.from({ length: 1 + Math.floor(next() * 3) }, () => (next() < 0.05 ? '' : values()));
    const node: OnnxNode = { name: `n${i}`, opType, domain: next() < 0.05 ? 'com.microsoft' : '', inputs, outputs: [`v${i}`], ints: next() < 0.3 ? { perm: [1, 0], group: [2] } : {} };
    if (next() < 0.3) node.scalars = { transB: 1, axis: Math.floor(next() * 5) - 2 };
    return node;
  });
  return { irVersion: 8, producer: '', opsets: [], metadata: {}, inputs: [{ name: 'input', elemType: 1, dims: null }], outputs: [], nodes };
}

describe('layer weights on random graphs', () => {
  it('never throws and always finishes, for 400 graphs of up to 300 nodes', () => {
    const next = random(27);
    let found = 0;
    const started = performance.now();
    for (let k = 0; k < 400; k++) {
      const g = randomGraph(next, 5 + Math.floor(next() * 295));
      for (let t = 0; t < 5; t++) {
        const value = `v${Math.floor(next() * g.nodes.length * 1.1)}`;
        const label = `graph ${k}, ${value}`;
        let answer: ReturnType<typeof findLayerWeight>;
        try {
          answer = findLayerWeight(g, value);
          // Initializers of random shapes and lengths, some of them missing.
          readLayerWeights(g, value, (names) => new Map([...names].filter(() => next() < 0.8).map((n) => [n, { dims: [Math.ceil(next() * 4), 3], data: new Float32Array(Math.floor(next() * 14)) }])));
        } catch (e) {
          throw new Error(`${label}: ${e instanceof Error ? e.message : String(e)}`);
        }
        if (answer.ok) found++;
        else expect(answer.reason.length, label).toBeGreaterThan(0);
      }
    }
    expect(found).toBeGreaterThan(0);
    expect(performance.now() - started).toBeLessThan(20_000);
  });

  it('dequantize refuses, rather than reads past, scales and shapes that do not fit', () => {
    const next = random(28);
    for (let k = 0; k < 500; k++) {
      const dims = Array.from({ length: 1 + Math.floor(next() * 4) }, () => Math.floor(next() * 4));
      const q = { dims, data: new Float32Array(dims.reduce((a, b) => a * b, 1)) };
      const scale = new Float32Array(Math.floor(next() * 5));
      const zero = next() < 0.5 ? null : new Float32Array(Math.floor(next() * 5));
      const out = dequantize(q, scale, zero, Math.floor(next() * 9) - 4);
      if (out) {
        expect(out.length).toBe(q.data.length);
        expect(out.every(Number.isFinite)).toBe(true);
      }
    }
  });
});
