import { describe, expect, it } from 'vitest';
import { TRUNCATED_JPEG_MESSAGE, undecodableMessage } from '../image/sniff';
import { skippedSummary } from './skipped';

describe('skippedSummary', () => {
  it('names each skipped file with the single-photo path\'s reason in a few words', () => {
    const text = undecodableMessage('unknown', new TextEncoder().encode('Shopping list'));
    expect(skippedSummary([{ name: 'notes.jpg', reason: text }, { name: 'cut.jpg', reason: TRUNCATED_JPEG_MESSAGE }])).toBe('2 skipped: notes.jpg is not an image, cut.jpg is incomplete');
    expect(skippedSummary([{ name: 'x.gif', reason: undecodableMessage('gif', new Uint8Array(8)) }])).toBe('1 skipped: x.gif is damaged or incomplete');
    expect(skippedSummary([])).toBeNull();
  });
});
