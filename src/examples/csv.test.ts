import { describe, expect, it } from 'vitest';
import { csvField, examplesCsv } from './csv';
import { addPhotoTap, createTopK } from './topK';

describe('examplesCsv', () => {
  it('writes one row per tap, channel and rank, strongest first', () => {
    const s = createTopK('m', [{ name: 'a', channels: 1, height: 1, width: 2 }, { name: 'logits', channels: 2, height: 1, width: 1 }], 2);
    const means = new Float32Array(s.totalChannels);
    addPhotoTap(s, 0, 1, Float32Array.from([0.5, 1.25]), means);
    addPhotoTap(s, 0, 2, Float32Array.from([3, 2]), means);
    addPhotoTap(s, 1, 2, Float32Array.from([-1, 7]), means);
    const names = new Map([[1, 'pizza, 1.jpg'], [2, 'coffee']]);
    expect(examplesCsv(s, (id) => names.get(id)!)).toBe(
      ['tap,channel,rank,photo,row,col,value', 'a,0,1,coffee,0,0,3', 'a,0,2,"pizza, 1.jpg",0,1,1.25', 'logits,0,1,coffee,0,0,-1', 'logits,1,1,coffee,0,0,7', ''].join('\n'),
    );
  });

  it('quotes only what needs it', () => {
    expect(csvField('a.jpg')).toBe('a.jpg');
    expect(csvField('say "hi".png')).toBe('"say ""hi"".png"');
  });
});
