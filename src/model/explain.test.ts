import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Manifest } from './manifest';
import { explainTap } from './explain';

const manifest = JSON.parse(
  readFileSync(resolve(import.meta.dirname, '../../public/models/convnext-atto-untrained/manifest.json'), 'utf8'),
) as Manifest;
const explain = (name: string) => explainTap(manifest, manifest.taps.find((t) => t.name === name)!);

describe('explainTap', () => {
  it('fills the stem paragraph with its kernel, stride and shape', () => {
    const text = explain('features.0.0');
    expect(text).toContain('4×4 convolution with stride 4');
    expect(text).toContain('40 channels of 56×56');
    expect(text).toContain('a 4×4-pixel patch');
  });
  it('explains the depthwise conv, GELU expansion, residual and downsampling with real numbers', () => {
    expect(explain('features.5.0.block.0')).toMatch(/7×7 depthwise.*160 channels.*14×14.*256×256-pixel field, larger than the whole 224×224 photo.*16 pixels apart/s);
    expect(explain('features.3.1.block.4')).toMatch(/expands each position's 80 channels 4× to 320.*GELU/s);
    expect(explain('features.1.0')).toMatch(/residual/);
    expect(explain('features.4.1')).toMatch(/halves the grid to 14×14 and changes the channels from 80 to 160/);
    expect(explain('features.0.1')).toMatch(/LayerNorm/);
    expect(explain('features.3.0')).toContain('a 104×104-pixel patch of the 224×224 photo');
  });
  it('has a paragraph for every tap of the model', () => {
    for (const tap of manifest.taps) expect(explainTap(manifest, tap).length).toBeGreaterThan(60);
  });
});
