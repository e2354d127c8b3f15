import { describe, expect, it } from 'vitest';
import { photoNotes } from './photoNotes';
import type { DecodeInfo } from '../worker/protocol';

const plain: DecodeInfo = { format: 'jpeg', width: 800, height: 600, transparent: false, frames: null };

describe('photoNotes', () => {
  it('says nothing about an ordinary photo', () => {
    expect(photoNotes({ width: 800, height: 600 }, plain, 236)).toEqual([]);
    expect(photoNotes({ width: 800, height: 600 }, { ...plain, format: 'gif', frames: 1 }, 236)).toEqual([]);
  });
  it('names the first frame of an animation, the background of transparency, and a pre-shrink', () => {
    const notes = photoNotes(
      { width: 16000, height: 12000 },
      { format: 'gif', width: 4096, height: 3072, transparent: true, frames: 12 },
      236,
    );
    expect(notes).toEqual([
      'This is an animated GIF with 12 frames: the model sees the first frame only.',
      'Transparent parts were filled with white, as the model saw them.',
      'This 16000×12000 photo was shrunk to 4096×3072 by the browser while decoding (to save memory), so its crop matches PyTorch only approximately.',
    ]);
  });
  it('warns that a tiny image is mostly interpolation', () => {
    expect(photoNotes({ width: 1, height: 1 }, { ...plain, width: 1, height: 1 }, 236)[0]).toMatch(/only 1×1 pixels/);
  });
});
