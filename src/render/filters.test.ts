import { describe, expect, it } from 'vitest';
import { getLut } from './colormaps';
import { filterLayout, filterTables, renderKernel, renderMatrix, renderRgbFilter, transpose, type FilterLayout } from './filters';

const base = { perms: [] as number[][], group: 1, transB: false, weightSecond: true };
const f32 = (a: number[]) => Float32Array.from(a);

function layoutOf(w: Parameters<typeof filterLayout>[0]): FilterLayout {
  const l = filterLayout(w);
  if (typeof l === 'string') throw new Error(l);
  return l;
}

describe('transpose', () => {
  it('permutes like ONNX Transpose, and reverses the axes without a perm', () => {
    // [2, 3] -> [3, 2]
    expect(Array.from(transpose(f32([1, 2, 3, 4, 5, 6]), [2, 3], [1, 0]).data)).toEqual([1, 4, 2, 5, 3, 6]);
    const t = transpose(f32([0, 1, 2, 3, 4, 5, 6, 7]), [2, 2, 2], [2, 0, 1]);
    expect(t.dims).toEqual([2, 2, 2]);
    // out[a,b,c] = in[b,c,a]
    expect(Array.from(t.data)).toEqual([0, 2, 4, 6, 1, 3, 5, 7]);
    expect(Array.from(transpose(f32([1, 2, 3, 4, 5, 6]), [2, 3], []).data)).toEqual([1, 4, 2, 5, 3, 6]);
  });
});

describe('filterLayout', () => {
  it('draws a 3-input convolution as RGB filters, a depthwise one as kernels, a 1×1 and a k×k one as a matrix', () => {
    expect(layoutOf({ ...base, opType: 'Conv', dims: [2, 3, 1, 1], data: new Float32Array(6) }).kind).toBe('rgb');
    expect(layoutOf({ ...base, opType: 'Conv', dims: [4, 1, 3, 3], data: new Float32Array(36), group: 4 })).toMatchObject({ kind: 'kernels', height: 3, width: 3, inputs: 9 });
    expect(layoutOf({ ...base, opType: 'Conv', dims: [5, 4, 1, 1], data: new Float32Array(20) })).toMatchObject({ kind: 'matrix', outputs: 5, inputs: 4 });
    expect(layoutOf({ ...base, opType: 'Conv', dims: [5, 4, 2, 2], data: new Float32Array(80) })).toMatchObject({ kind: 'matrix', outputs: 5, inputs: 16 });
  });

  it('puts outputs in rows whichever way a linear weight is stored', () => {
    // W (out 2 × in 3) = [[1, 2, 3], [4, 5, 6]]
    const outIn = f32([1, 2, 3, 4, 5, 6]);
    const inOut = f32([1, 4, 2, 5, 3, 6]);
    const gemmT = layoutOf({ ...base, opType: 'Gemm', dims: [2, 3], data: outIn, transB: true });
    const gemm = layoutOf({ ...base, opType: 'Gemm', dims: [3, 2], data: inOut, transB: false });
    const matmul = layoutOf({ ...base, opType: 'MatMul', dims: [3, 2], data: inOut });
    const matmulFirst = layoutOf({ ...base, opType: 'MatMul', dims: [2, 3], data: outIn, weightSecond: false });
    const transposed = layoutOf({ ...base, opType: 'MatMul', dims: [2, 3], data: outIn, perms: [[1, 0]] });
    for (const l of [gemmT, gemm, matmul, matmulFirst, transposed]) {
      expect(l).toMatchObject({ kind: 'matrix', outputs: 2, inputs: 3, maxAbs: 6 });
      expect(Array.from(l.values)).toEqual([1, 2, 3, 4, 5, 6]);
    }
  });

  it('says why a weight cannot be drawn', () => {
    expect(filterLayout({ ...base, opType: 'MatMul', dims: [2, 3, 4], data: new Float32Array(24) })).toMatch(/2×3×4 is not a matrix/);
    expect(filterLayout({ ...base, opType: 'Conv', dims: [2, 3, 4], data: new Float32Array(24) })).toMatch(/3-D convolution/);
  });
});

describe('renderers', () => {
  it('maps an RGB filter on the layer-wide scale: 0 → mid-grey, ±m → the ends of each colour', () => {
    // Two filters of 1×2 pixels; filter 1 has the layer's largest |w| = 2.
    const layout = layoutOf({ ...base, opType: 'Conv', dims: [2, 3, 1, 2], data: f32([0, 1, -1, 0, 0.5, 0, /* filter 1 */ 2, -2, 0, 0, 0, 1]) });
    const out = new Uint8ClampedArray(2 * 4);
    renderRgbFilter(out, layout, 0);
    // pixel 0: r=0, g=-1, b=0.5; pixel 1: r=1, g=0, b=0 (scale 2: 127.5 + 127.5·w/2)
    expect(Array.from(out)).toEqual([128, 64, 159, 255, 191, 128, 128, 255]);
    renderRgbFilter(out, layout, 1);
    expect(Array.from(out)).toEqual([255, 128, 128, 255, 0, 128, 191, 255]);
  });

  it('draws kernels and the matrix through the diverging LUT, symmetric around 0', () => {
    const lut = getLut('diverging');
    const colour = (i: number) => Array.from(lut.subarray(i * 4, i * 4 + 4));
    const kernels = layoutOf({ ...base, opType: 'Conv', dims: [2, 1, 1, 3], data: f32([-4, 0, 4, 2, -2, 1]), group: 2 });
    const out = new Uint8ClampedArray(3 * 4);
    renderKernel(out, kernels, 0, lut);
    expect(Array.from(out)).toEqual([...colour(0), ...colour(128), ...colour(255)]);
    renderKernel(out, kernels, 1, lut);
    expect(Array.from(out)).toEqual([...colour(191), ...colour(64), ...colour(159)]);

    const matrix = layoutOf({ ...base, opType: 'Gemm', dims: [2, 2], data: f32([-1, 1, 0, 0.5]), transB: true });
    const m = new Uint8ClampedArray(4 * 4);
    renderMatrix(m, matrix, lut);
    expect(Array.from(m)).toEqual([...colour(0), ...colour(255), ...colour(128), ...colour(191)]);
  });

  it('draws an all-zero layer as the middle colour', () => {
    const lut = getLut('diverging');
    const zero = layoutOf({ ...base, opType: 'Gemm', dims: [1, 2], data: f32([0, 0]), transB: true });
    const m = new Uint8ClampedArray(8);
    renderMatrix(m, zero, lut);
    expect(Array.from(m.subarray(0, 4))).toEqual(Array.from(lut.subarray(128 * 4, 128 * 4 + 4)));
  });
});

describe('filterTables', () => {
  it('lists an RGB filter per colour, a kernel as its grid, a matrix row 16 per line', () => {
    const rgb = layoutOf({ ...base, opType: 'Conv', dims: [1, 3, 1, 2], data: f32([1, 2, 3, 4, 5, 6]) });
    expect(filterTables(rgb, 0)).toEqual([
      { caption: 'on the red input', rows: [[1, 2]] },
      { caption: 'on the green input', rows: [[3, 4]] },
      { caption: 'on the blue input', rows: [[5, 6]] },
    ]);
    const kernels = layoutOf({ ...base, opType: 'Conv', dims: [2, 1, 2, 2], data: f32([1, 2, 3, 4, 5, 6, 7, 8]), group: 2 });
    expect(filterTables(kernels, 1)).toEqual([{ caption: 'kernel', rows: [[5, 6], [7, 8]] }]);
    const wide = layoutOf({ ...base, opType: 'Gemm', dims: [2, 20], data: Float32Array.from({ length: 40 }, (_, i) => i), transB: true });
    const [row] = filterTables(wide, 1);
    expect(row!.rows).toEqual([Array.from({ length: 16 }, (_, i) => 20 + i), [36, 37, 38, 39]]);
  });
});
