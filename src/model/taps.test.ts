import { describe, expect, it } from 'vitest';
import type { Tap } from './manifest';
import { groupTapsByStage, logitsTap, stageLabel, tapOptionLabel, tapOutputName } from './taps';

const tap = (name: string, stage: number, kind: Tap['kind'] = 'block', shape = [40, 56, 56]): Tap => ({
  name,
  kind,
  stage,
  block: null,
  shape,
  receptiveField: { size: 4, stride: 4, offset: 2 },
  description: 'x',
});

describe('tap grouping', () => {
  it('groups taps by stage in data-flow order, keeping manifest order inside a stage', () => {
    const groups = groupTapsByStage([tap('features.0.0', 0, 'conv'), tap('features.1.0', 1), tap('logits', 5, 'logits', [101]), tap('features.1.1', 1), tap('features.2.1', 2, 'downsample')]);
    expect(groups.map((g) => g.label)).toEqual(['Stem', 'Stage 1', 'Stage 2', 'Head']);
    expect(groups[1]!.taps.map((t) => t.name)).toEqual(['features.1.0', 'features.1.1']);
  });

  it('labels stages and options with torchvision names, kind and shape', () => {
    expect(stageLabel(0)).toBe('Stem');
    expect(stageLabel(3)).toBe('Stage 3');
    expect(stageLabel(5)).toBe('Head');
    expect(tapOptionLabel(tap('features.3.0.block.0', 2, 'depthwise', [80, 28, 28]))).toBe('features.3.0.block.0 · depthwise 7×7 · 80×28×28');
  });
});

describe('logitsTap', () => {
  it('finds the class scores by kind, wherever they sit and whatever they are called', () => {
    const head = { ...tap('output_0', 5, 'logits', [1000]), output: 'graph_out' };
    const manifest = { taps: [tap('features.0.0', 0, 'conv'), head, tap('features.7.2', 4)] };
    expect(logitsTap(manifest)).toBe(head);
    expect(tapOutputName(head)).toBe('graph_out');
    expect(tapOutputName(tap('logits', 5, 'logits', [101]))).toBe('logits');
  });

  it('is null for a model without a head', () => {
    expect(logitsTap({ taps: [tap('features.0.0', 0, 'conv')] })).toBeNull();
  });
});
