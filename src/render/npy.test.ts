/// <reference types="node" />
import { describe, it, expect } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeNpy, encodeNpy } from './npy';

const PYTHON = '/usr/bin/python3';

function hasNumpy(): boolean {
  if (!existsSync(PYTHON)) return false;
  try {
    execFileSync(PYTHON, ['-c', 'import numpy'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const ascii = (b: Uint8Array) => String.fromCharCode(...b);

describe('encodeNpy', () => {
  it('writes magic, version, padded header and raw data', () => {
    const data = new Float32Array([1, -2.5, 3, 0.125, 5, 6, 7, 8]);
    const bytes = encodeNpy(data, [2, 2, 2]);
    expect([...bytes.slice(0, 8)]).toEqual([0x93, 78, 85, 77, 80, 89, 1, 0]);
    const hlen = bytes[8]! | (bytes[9]! << 8);
    expect((10 + hlen) % 64).toBe(0);
    const header = ascii(bytes.slice(10, 10 + hlen));
    expect(header.startsWith("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2, 2), }")).toBe(true);
    expect(header.endsWith(' \n')).toBe(true);
    expect(bytes.length).toBe(10 + hlen + 32);
    const view = new DataView(bytes.buffer, 10 + hlen);
    expect(view.getFloat32(4, true)).toBe(-2.5);
  });
  it('writes 1-d shapes as (N,)', () => {
    const bytes = encodeNpy(new Float32Array(3), [3]);
    expect(ascii(bytes.slice(10, 80))).toContain("'shape': (3,), }");
  });
  it('rejects a shape that does not match the data', () => {
    expect(() => encodeNpy(new Float32Array(5), [2, 3])).toThrow(/needs 6/);
  });
});

describe('decodeNpy', () => {
  it('round-trips', () => {
    const data = new Float32Array([1, 2, 3, 4, 5, 6]).map((v) => v / 7);
    const back = decodeNpy(encodeNpy(data, [1, 2, 3]));
    expect(back.shape).toEqual([1, 2, 3]);
    expect([...back.data]).toEqual([...data]);
    expect(decodeNpy(encodeNpy(new Float32Array(4), [4])).shape).toEqual([4]);
  });
  it('rejects other dtypes and non-npy input with clear errors', () => {
    const bytes = encodeNpy(new Float32Array(2), [2]);
    const text = ascii(bytes).replace("'<f4'", "'<f8'");
    const f8 = Uint8Array.from(text, (c) => c.charCodeAt(0));
    expect(() => decodeNpy(f8)).toThrow(/only '<f4'/);
    expect(() => decodeNpy(new Uint8Array([1, 2, 3]))).toThrow(/magic/);
    expect(() => decodeNpy(bytes.slice(0, bytes.length - 1))).toThrow(/Truncated/);
  });
});

describe.skipIf(!hasNumpy())('numpy interoperability', () => {
  it('numpy loads what we write, and writes the same bytes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'convlens-npy-'));
    try {
      const shape = [3, 4, 5];
      const data = new Float32Array(60).map((_, i) => (i - 30) * 0.25);
      const path = join(dir, 'a.npy');
      writeFileSync(path, encodeNpy(data, shape));
      const out = execFileSync(
        PYTHON,
        ['-c', 'import numpy as np, sys; a=np.load(sys.argv[1]); print(a.shape, a.dtype, float(a.sum()))', path],
        { encoding: 'utf8' },
      ).trim();
      const sum = data.reduce((s, v) => s + v, 0);
      expect(out).toBe(`(3, 4, 5) float32 ${sum.toFixed(1)}`);

      // numpy's own np.save of the same array must be byte-identical to ours.
      const ref = join(dir, 'ref.npy');
      execFileSync(PYTHON, [
        '-c',
        'import numpy as np, sys; np.save(sys.argv[2], np.load(sys.argv[1])); np.save(sys.argv[3], np.arange(7, dtype="<f4"))',
        path,
        ref,
        join(dir, 'r1.npy'),
      ]);
      expect(Buffer.compare(readFileSync(ref), Buffer.from(encodeNpy(data, shape)))).toBe(0);
      const r1 = decodeNpy(new Uint8Array(readFileSync(join(dir, 'r1.npy'))));
      expect(r1.shape).toEqual([7]);
      expect([...r1.data]).toEqual([0, 1, 2, 3, 4, 5, 6]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
