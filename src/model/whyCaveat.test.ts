import { describe, expect, it } from 'vitest';
import { whyCaveat } from './whyCaveat';

describe('whyCaveat', () => {
  it('says an untrained model explains nothing learned', () => {
    expect(whyCaveat({ trained: false })).toMatch(/untrained.*explain nothing learned/);
  });
  it('says nothing for a trained model, and adds a manifest limitation when there is one', () => {
    expect(whyCaveat({ trained: true })).toBeNull();
    expect(whyCaveat({ trained: true, limitation: 'Trained on shapes only.' })).toBe('Trained on shapes only.');
    expect(whyCaveat({ trained: false, limitation: 'X.' })).toMatch(/learned.*X\.$/);
  });
});
