import { describe, expect, it } from 'vitest';
import { decodeViewState, encodeViewState } from './urlState';

describe('at=ROW,COL (the explained position, issue 27)', () => {
  it('reads a row and column, and drops anything else', () => {
    expect(decodeViewState('?layer=features.0.0&channel=5&at=10,12').at).toBe('10,12');
    for (const bad of ['10', '10,', ',3', '-1,2', '1,2,3', '1.5,2', 'a,b', '12345,1']) expect(decodeViewState(`?at=${bad}`).at).toBeUndefined();
  });

  it('writes it back with the view, keeping other parameters', () => {
    expect(encodeViewState({ layer: 'features.0.0', channel: 5, at: '10,12' }, '?debug')).toBe('?debug=&layer=features.0.0&channel=5&at=10%2C12');
  });
});
