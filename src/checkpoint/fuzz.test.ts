/**
 * A small fuzz corpus: random bytes, truncations and mutations of every fixture. The readers
 * themselves (not readCheckpoint, whose catch-all would hide a stray RangeError) must either
 * read the file or throw a CheckpointError, and finish: every loop in them is bounded by the
 * input, so each case here takes well under a millisecond.
 */
import { describe, expect, it } from 'vitest';
import { fixtureBytes } from './fixtures/load';
import { readCheckpoint } from './readCheckpoint';
import { readSafetensors } from './safetensors';
import { readTorchZip } from './torchZip';
import { CheckpointError, type WeightMap } from './types';
import { seededRandom as random } from '../testing/seededRandom';

type Reader = (bytes: Uint8Array) => WeightMap;

const ZIP_FILES = ['state_f32.pt', 'state_f16.pth', 'state_bf16.bin', 'views.pt', 'protocol4.pt', 'wrapped.pth', 'deflated.pt', 'os_system.pt', 'whole_model.pt'];

/** 'read' or 'refused'; anything else thrown fails the test with the case that threw it. */
function outcome(read: Reader, bytes: Uint8Array, label: string): 'read' | 'refused' {
  try {
    read(bytes);
    return 'read';
  } catch (e) {
    if (e instanceof CheckpointError) return 'refused';
    throw new Error(`${label}: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
  }
}

const cases: [string, Reader][] = [
  ...ZIP_FILES.map((f): [string, Reader] => [f, readTorchZip]),
  ['weights.safetensors', readSafetensors],
];

describe.each(cases)('fuzz %s', (file, read) => {
  const original = fixtureBytes(file);

  it('refuses every truncation with a CheckpointError', () => {
    for (let n = 0; n < original.length; n++) {
      expect(outcome(read, original.slice(0, n), `${file} cut to ${n} bytes`)).toBe('refused');
    }
  });

  it('reads or refuses 400 mutations (1 to 8 bytes changed) and never throws anything else', () => {
    const rand = random(file.length * 7919);
    for (let i = 0; i < 400; i++) {
      const bytes = original.slice();
      const changes = 1 + Math.floor(rand() * 8);
      for (let c = 0; c < changes; c++) bytes[Math.floor(rand() * bytes.length)] = Math.floor(rand() * 256);
      outcome(read, bytes, `${file} mutation ${i}`);
    }
  });

  it('reads or refuses the file with a block of it zeroed or duplicated', () => {
    const rand = random(file.length * 104729);
    for (let i = 0; i < 100; i++) {
      const at = Math.floor(rand() * original.length);
      const length = 1 + Math.floor(rand() * 64);
      const zeroed = original.slice();
      zeroed.fill(0, at, at + length);
      outcome(read, zeroed, `${file} zeroed ${at}+${length}`);
      const grown = new Uint8Array(original.length + length);
      grown.set(original.subarray(0, at + length));
      grown.set(original.subarray(at), at + length);
      outcome(read, grown, `${file} duplicated ${at}+${length}`);
    }
  });
});

describe('fuzz: random bytes', () => {
  const extensions = ['.safetensors', '.pth', '.pt', '.bin'];

  it('refuses 200 random files of each extension, including ones that start like a zip or safetensors', () => {
    const rand = random(42);
    for (const ext of extensions) {
      for (let i = 0; i < 200; i++) {
        const bytes = new Uint8Array(Math.floor(rand() * 600));
        for (let j = 0; j < bytes.length; j++) bytes[j] = Math.floor(rand() * 256);
        if (i % 3 === 1 && bytes.length >= 4) bytes.set([0x50, 0x4b, 0x03, 0x04]);
        if (i % 3 === 2 && bytes.length >= 9) bytes.set([bytes.length - 8 > 0 ? Math.min(bytes.length - 8, 255) : 0, 0, 0, 0, 0, 0, 0, 0, 0x7b]);
        outcome(readTorchZip, bytes, `random zip-like ${ext} ${i}`);
        outcome(readSafetensors, bytes, `random safetensors-like ${ext} ${i}`);
        expect(() => readCheckpoint(bytes, `random${ext}`)).toThrow(CheckpointError);
      }
    }
  });
});
