import { describe, expect, it } from 'vitest';
import { differenceRange, differenceTensor, sharedRange } from './compare';
import { computeChannelStats } from './stats';

const a = { name: 'x', shape: [2, 1, 2], data: new Float32Array([1, 2, -3, 0]) };
const b = { name: 'x', shape: [2, 1, 2], data: new Float32Array([0, 4, 1, 1]) };
const sa = computeChannelStats(a);
const sb = computeChannelStats(b);

describe('compare', () => {
  it('subtracts B from A', () => {
    expect([...differenceTensor(a, b).data]).toEqual([1, -2, -4, -1]);
    expect(() => differenceTensor(a, { ...b, shape: [1, 2, 2] })).toThrow(/shapes differ/);
  });
  it('puts both photos on one scale', () => {
    expect(sharedRange(sa, sb, 0, 'channel')).toEqual({ min: 0, max: 4 });
    expect(sharedRange(sa, sb, 1, 'channel')).toEqual({ min: -3, max: 1 });
    expect(sharedRange(sa, sb, 0, 'layer')).toEqual({ min: -3, max: 4 });
    expect(sharedRange(sa, sb, 0, 'symmetric')).toEqual({ min: -4, max: 4 });
  });
  it('gives the difference a symmetric range', () => {
    const sd = computeChannelStats(differenceTensor(a, b));
    expect(differenceRange(sd, 0, 'channel')).toEqual({ min: -2, max: 2 });
    expect(differenceRange(sd, 1, 'channel')).toEqual({ min: -4, max: 4 });
    expect(differenceRange(sd, 0, 'layer')).toEqual({ min: -4, max: 4 });
    const zero = computeChannelStats(differenceTensor(a, a));
    expect(differenceRange(zero, 0, 'symmetric')).toEqual({ min: -1, max: 1 });
  });
});
