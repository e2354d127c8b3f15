import { describe, expect, it } from 'vitest';
import { pickPhoto } from './files';

const file = (name: string, type: string) => new File([new Uint8Array([1, 2, 3])], name, { type });

describe('pickPhoto', () => {
  it('uses the only file', () => {
    const r = pickPhoto([file('a.jpg', 'image/jpeg')]);
    expect(r.file?.name).toBe('a.jpg');
    expect(r.notice).toBeNull();
  });
  it('uses the first image among several and says so', () => {
    const r = pickPhoto([file('notes.txt', 'text/plain'), file('b.png', 'image/png'), file('c.png', 'image/png')]);
    expect(r.file?.name).toBe('b.png');
    expect(r.notice).toBe('3 items were dropped; showing "b.png" only.');
  });
  it('explains a dropped folder', () => {
    const r = pickPhoto([], 1);
    expect(r.file).toBeNull();
    expect(r.error).toMatch(/folder/);
  });
});
