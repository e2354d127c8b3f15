import { describe, it, expect } from 'vitest';
import { channelWindow, defaultChannelCount, gridColumns, windowLabel } from './gridLayout';

describe('channelWindow', () => {
  it('passes through a valid window', () => {
    expect(channelWindow(384, 0, 128)).toEqual({ first: 0, count: 128, last: 127 });
    expect(channelWindow(384, 256, 128)).toEqual({ first: 256, count: 128, last: 383 });
  });
  it('clamps first and count', () => {
    expect(channelWindow(96, 200, 128)).toEqual({ first: 95, count: 1, last: 95 });
    expect(channelWindow(96, 50, 128)).toEqual({ first: 50, count: 46, last: 95 });
    expect(channelWindow(96, -4, 0)).toEqual({ first: 0, count: 1, last: 0 });
    expect(channelWindow(96, 2.7, 3.9)).toEqual({ first: 2, count: 3, last: 4 });
    expect(channelWindow(96, NaN, NaN)).toEqual({ first: 0, count: 1, last: 0 });
  });
  it('empty layer', () => {
    expect(channelWindow(0, 3, 10)).toEqual({ first: 0, count: 0, last: -1 });
  });
});

describe('windowLabel', () => {
  it('formats ranges and single channels', () => {
    expect(windowLabel(channelWindow(384, 0, 128), 384)).toBe('channels 0-127 of 384');
    expect(windowLabel(channelWindow(384, 5, 1), 384)).toBe('channel 5 of 384');
  });
});

describe('gridColumns / defaultChannelCount', () => {
  it('fits tiles with gaps between them, at least 1', () => {
    expect(gridColumns(1000, 64, 4)).toBe(14); // 14*64 + 13*4 = 948; 15 tiles need 1016
    expect(gridColumns(64 * 3 + 4 * 2, 64, 4)).toBe(3);
    expect(gridColumns(10, 64, 4)).toBe(1);
    expect(gridColumns(0, 0, 0)).toBe(1);
  });
  it('defaults to at most 128 channels', () => {
    expect(defaultChannelCount(384)).toBe(128);
    expect(defaultChannelCount(96)).toBe(96);
    expect(defaultChannelCount(0)).toBe(0);
  });
});
