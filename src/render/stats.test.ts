import { describe, it, expect } from 'vitest';
import {
  computeChannelStats,
  isDeadChannel,
  meanMap,
  sortChannels,
  statsCsvFileName,
  statsToCsv,
  strongestChannels,
} from './stats';
import type { LayerTensor } from './types';

// ch0 = [1,2,3,4], ch1 = [-8,0,2,6]
const t: LayerTensor = { name: 'stage1', shape: [2, 2, 2], data: new Float32Array([1, 2, 3, 4, -8, 0, 2, 6]) };

describe('computeChannelStats', () => {
  it('matches hand-computed values', () => {
    const s = computeChannelStats(t);
    expect(s.channels).toBe(2);
    expect(s.count).toBe(4);
    expect([...s.min]).toEqual([1, -8]);
    expect([...s.max]).toEqual([4, 6]);
    expect([...s.mean]).toEqual([2.5, 0]);
    // ch0: deviations ±1.5, ±0.5 → var 1.25; ch1: 64+0+4+36 = 104/4 = 26
    expect(s.std[0]).toBeCloseTo(Math.sqrt(1.25), 6);
    expect(s.std[1]).toBeCloseTo(Math.sqrt(26), 5);
    expect([...s.fracPositive]).toEqual([1, 0.5]);
    expect(s.layerMin).toBe(-8);
    expect(s.layerMax).toBe(6);
    expect(s.maxAbs).toBe(8);
  });
  it('keeps precision for large-mean, small-spread channels', () => {
    const d = new Float32Array(1000);
    for (let i = 0; i < d.length; i++) d[i] = 10000 + (i % 2 ? 0.5 : -0.5);
    const s = computeChannelStats({ name: 'x', shape: [1, 10, 100], data: d });
    expect(s.mean[0]).toBeCloseTo(10000, 3);
    expect(s.std[0]).toBeCloseTo(0.5, 5);
  });
  it('handles an empty layer without Infinity', () => {
    const s = computeChannelStats({ name: 'e', shape: [0, 4, 4], data: new Float32Array(0) });
    expect(s.channels).toBe(0);
    expect([s.layerMin, s.layerMax, s.maxAbs]).toEqual([0, 0, 0]);
  });
  it('rejects a shape that does not match the data', () => {
    expect(() => computeChannelStats({ name: 'bad', shape: [2, 2, 3], data: new Float32Array(8) })).toThrow(/needs 12/);
  });
});

// ch: 0 mean 1, 1 dead (3,3), 2 mean 2, 3 mean 1 (tie with 0), 4 dead zeros
const u: LayerTensor = {
  name: 'u',
  shape: [5, 1, 2],
  data: new Float32Array([0, 2, 3, 3, 1, 3, -1, 3, 0, 0]),
};

describe('dead channels and sorting', () => {
  const s = computeChannelStats(u);
  it('detects constant channels', () => {
    expect([0, 1, 2, 3, 4].map((c) => isDeadChannel(s, c))).toEqual([false, true, false, false, true]);
    const big = computeChannelStats({ name: 'b', shape: [1, 1, 2], data: new Float32Array([1e8, 1e8 + 8]) });
    expect(isDeadChannel(big, 0)).toBe(true); // 8 <= 1e-7 * 1e8 = 10
    expect(isDeadChannel(s, 99)).toBe(false);
  });
  it('index order, optionally hiding dead channels', () => {
    expect([...sortChannels(s, 'index', false)]).toEqual([0, 1, 2, 3, 4]);
    expect([...sortChannels(s, 'index', true)]).toEqual([0, 2, 3]);
  });
  it('descending by mean, stable on ties', () => {
    // means: 1, 3, 2, 1, 0
    expect([...sortChannels(s, 'mean', false)]).toEqual([1, 2, 0, 3, 4]);
    expect([...sortChannels(s, 'mean', true)]).toEqual([2, 0, 3]);
  });
  it('descending by max and by active fraction', () => {
    // max: 2, 3, 3, 3, 0 ; fracPositive: 0.5, 1, 1, 0.5, 0
    expect([...sortChannels(s, 'max', false)]).toEqual([1, 2, 3, 0, 4]);
    expect([...sortChannels(s, 'active', false)]).toEqual([1, 2, 0, 3, 4]);
    expect(sortChannels(s, 'active', true)).toBeInstanceOf(Int32Array);
  });
  it('strongestChannels takes the top k by mean', () => {
    expect([...strongestChannels(s, 2)]).toEqual([1, 2]);
    expect([...strongestChannels(s, 99)]).toHaveLength(5);
    expect([...strongestChannels(s, 0)]).toEqual([]);
  });
});

describe('statsToCsv', () => {
  it('writes header and one row per channel', () => {
    const csv = statsToCsv('stage1', computeChannelStats(t));
    const lines = csv.trimEnd().split('\n');
    expect(lines[0]).toBe('channel,min,max,mean,std,fraction_positive');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toBe('0,1,4,2.5,1.118034,1');
    expect(lines[2]).toBe('1,-8,6,0,5.09902,0.5');
    expect(csv.endsWith('\n')).toBe(true);
  });
  it('makes safe file names from tensor names', () => {
    expect(statsCsvFileName('/stages.1/Add_output_0:0')).toBe('stages.1_Add_output_0_0_channel_stats.csv');
    expect(statsCsvFileName('///')).toBe('layer_channel_stats.csv');
  });
});

describe('meanMap', () => {
  it('averages over channels per position', () => {
    expect([...meanMap(t)]).toEqual([-3.5, 1, 2.5, 5]);
  });
});
