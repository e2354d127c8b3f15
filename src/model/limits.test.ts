import { describe, expect, it } from 'vitest';
import { MAX_MODEL_BYTES, tooLargeMessage } from './limits';

describe('tooLargeMessage', () => {
  it('accepts models up to the limit and names the size and limit past it', () => {
    expect(tooLargeMessage(MAX_MODEL_BYTES, 'x')).toBeNull();
    expect(tooLargeMessage(1_600_000_000, '"big.onnx"')).toMatch(/^"big\.onnx" is 1600\.0 MB, more than the 1500\.0 MB/);
  });
});
