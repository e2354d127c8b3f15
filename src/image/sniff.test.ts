import { describe, expect, it } from 'vitest';
import { jpegIsTruncated, sniffFormat, undecodableMessage } from './sniff';

const bytes = (...parts: (number[] | string)[]) =>
  new Uint8Array(parts.flatMap((p) => (typeof p === 'string' ? [...p].map((c) => c.charCodeAt(0)) : p)));

describe('sniffFormat', () => {
  it('recognises the common image signatures', () => {
    expect(sniffFormat(bytes([0xff, 0xd8, 0xff, 0xe0]))).toBe('jpeg');
    expect(sniffFormat(bytes([0x89], 'PNG', [0x0d, 0x0a, 0x1a, 0x0a]))).toBe('png');
    expect(sniffFormat(bytes('GIF89a'))).toBe('gif');
    expect(sniffFormat(bytes('RIFF', [0, 0, 0, 0], 'WEBPVP8 '))).toBe('webp');
    expect(sniffFormat(bytes('BM', [0, 0, 0, 0]))).toBe('bmp');
    expect(sniffFormat(bytes('II', [0x2a, 0]))).toBe('tiff');
  });
  it('tells an iPhone HEIC from an AVIF by the ftyp brands', () => {
    expect(sniffFormat(bytes([0, 0, 0, 0x18], 'ftypheic', [0, 0, 0, 0], 'mif1heic'))).toBe('heic');
    expect(sniffFormat(bytes([0, 0, 0, 0x1c], 'ftypavif', [0, 0, 0, 0], 'avifmif1'))).toBe('avif');
    expect(sniffFormat(bytes([0, 0, 0, 0x1c], 'ftypmif1', [0, 0, 0, 0], 'mif1avif'))).toBe('avif');
    expect(sniffFormat(bytes([0, 0, 0, 0x1c], 'ftypisom', [0, 0, 0, 0], 'isomiso2'))).toBe('unknown');
  });
  it('calls anything else unknown, and explains text files', () => {
    const text = bytes('Shopping list: eggs, milk\n');
    expect(sniffFormat(text)).toBe('unknown');
    expect(undecodableMessage('unknown', text)).toMatch(/not an image: it contains text/);
    expect(undecodableMessage('unknown', bytes([0, 1, 2, 3]))).toMatch(/not an image in a format the browser knows/);
    expect(undecodableMessage('heic', bytes())).toMatch(/HEIC.*cannot decode.*JPEG/);
  });
});

describe('jpegIsTruncated', () => {
  const header = [0xff, 0xd8, 0xff, 0xe0, 0, 4, 0, 0];
  // An EXIF thumbnail's own end marker comes before the main scan and must not count.
  const thumbnail = [0xff, 0xe1, 0, 6, 0xff, 0xd9, 0, 0];
  const scan = [0xff, 0xda, 0, 2, 0x12, 0xff, 0x00, 0x34, 0xff, 0xd0, 0x56];
  it('accepts a JPEG whose scan reaches its end marker, even with bytes after it', () => {
    expect(jpegIsTruncated(bytes(header, thumbnail, scan, [0xff, 0xd9]))).toBe(false);
    expect(jpegIsTruncated(bytes(header, scan, [0xff, 0xd9], 'SEFT trailer'))).toBe(false);
  });
  it('flags a JPEG that stops inside its scan or before it', () => {
    expect(jpegIsTruncated(bytes(header, thumbnail, scan))).toBe(true);
    expect(jpegIsTruncated(bytes(header, thumbnail))).toBe(true);
  });
});
