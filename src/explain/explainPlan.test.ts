// @vitest-environment node
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { OnnxNode, OnnxSummary } from '../model/onnxProto';
import { ROOT } from '../model/testing/testModels';
import { planExplanation } from './explainPlan';
import { explainValue } from './explainValue';
import { formatNumber } from './explanation';
import { MAX_CONSTANT_VALUES, readConstantValues } from './onnxConstants';

function node(name: string, opType: string, inputs: string[], outputs: string[], ints: Record<string, number[]> = {}): OnnxNode {
  return { name, opType, domain: '', inputs, outputs, ints };
}
function summary(nodes: OnnxNode[]): OnnxSummary {
  return { irVersion: 8, producer: 'test', opsets: [], metadata: {}, inputs: [{ name: 'x', elemType: 1, dims: null }], outputs: [], nodes };
}

describe('planExplanation', () => {
  it('names an op it does not write out, with its inputs and output, and no formula of its own', () => {
    const s = summary([node('/lrn/LRN', 'LRN', ['x'], ['y'])]);
    const plan = planExplanation(s, 'y');
    expect(plan).toEqual({ kind: 'other', op: 'LRN', node: '/lrn/LRN', inputs: [{ value: 'x', layout: 'NCHW' }], output: { value: 'y', layout: 'NCHW' } });
    const x = { dims: [1, 2, 1, 1], data: Float32Array.from([3, 4]) };
    const y = { dims: [1, 2, 1, 1], data: Float32Array.from([0.5, 0.25]) };
    const e = explainValue(plan, { tensors: { x, y }, constants: {}, head: null }, { channel: 1, row: 0, col: 0 });
    expect(e.value).toBe(0.25);
    expect(e.note).toContain('does not write out');
    expect(e.tables[0]!.rows).toEqual([['x', '[1, 2, 1, 1]', 4]]);
  });

  it('writes out a 3×3 convolution with stride, padding and groups (padding as zeros)', () => {
    const s = summary([node('/c/Conv', 'Conv', ['x', 'w', 'b'], ['y'], { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], group: [2] })]);
    const plan = planExplanation(s, 'y');
    expect(plan.kind).toBe('conv');
    // x: 2 channels of 3×3 holding 1..18; w: 2 output channels, 1 input channel each (groups of 1), all ones.
    const x = { dims: [1, 2, 3, 3], data: Float32Array.from({ length: 18 }, (_, i) => i + 1) };
    const w = { dims: [2, 1, 3, 3], data: new Float32Array(18).fill(1) };
    const b = { dims: [2], data: Float32Array.from([0.5, -1]) };
    // Output (1, 0, 0) sees channel 1 at rows -1..1, cols -1..1: 10 + 11 + 13 + 14 = 48, minus 1.
    const e = explainValue(plan, { tensors: { x }, constants: { w, b }, head: null }, { channel: 1, row: 0, col: 0 });
    expect(e.value).toBe(47);
    expect(e.tables[0]!.rows[0]).toEqual(['0 (padding)', '0 (padding)', '0 (padding)']);
    expect(e.tables[0]!.rows[1]).toEqual(['0 (padding)', 10, 11]);
  });
});

describe('formatNumber', () => {
  it('writes 6 significant digits', () => {
    expect(formatNumber(1.23456789)).toBe('1.23457');
    expect(formatNumber(-0.000012345678)).toBe('-1.23457e-5');
    expect(formatNumber(0)).toBe('0');
    expect(formatNumber(120)).toBe('120');
  });
});

describe('readConstantValues', () => {
  it('reads the Constant nodes of a real graph (a decomposed LayerNorm eps, GELU √2)', () => {
    const bytes = new Uint8Array(readFileSync(resolve(ROOT, 'public/models/convnext-atto-shapes/model.onnx')));
    const c = readConstantValues(bytes);
    expect(c.get('/block.4/Constant_output_0')![0]).toBeCloseTo(Math.SQRT2, 6);
    expect(c.get('/block.4/Constant_2_output_0')![0]).toBe(0.5);
  });

  it('fails with an error or reads bounded values from damaged bytes, never hangs (fuzz)', () => {
    const bytes = new Uint8Array(readFileSync(resolve(ROOT, 'public/models/convnext-atto-shapes/model.onnx')).subarray(0, 200_000));
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff);
    for (let i = 0; i < 200; i++) {
      const damaged = bytes.slice(0, 1000 + (next() % 199_000));
      for (let k = 0; k < 8; k++) damaged[next() % damaged.length] = next() & 0xff;
      try {
        for (const v of readConstantValues(damaged).values()) expect(v.length).toBeLessThanOrEqual(MAX_CONSTANT_VALUES);
      } catch (e) {
        expect(e).toBeInstanceOf(Error);
      }
    }
  });
});
