import { describe, expect, it } from 'vitest';
import { expectedTensors, fixtureBytes, READABLE } from './fixtures/load';
import { isCheckpointName, readCheckpoint } from './readCheckpoint';
import { CheckpointError } from './types';

/** The error readCheckpoint throws for `bytes`, checked to be a CheckpointError. */
function refusal(bytes: Uint8Array, fileName = 'model.pth'): string {
  try {
    readCheckpoint(bytes, fileName);
  } catch (e) {
    expect(e).toBeInstanceOf(CheckpointError);
    return (e as Error).message;
  }
  throw new Error('expected a CheckpointError, but the file was read');
}

describe('readCheckpoint', () => {
  // Values compared exactly: widening float16/bfloat16/float32 to float32 is exact, no arithmetic involved.
  it.each(READABLE)('reads every tensor of %s as torch does (names, order, dtype, shape, values)', (file) => {
    const weights = readCheckpoint(fixtureBytes(file), file);
    const expected = expectedTensors(file);
    expect([...weights.keys()]).toEqual(expected.map((t) => t.name));
    for (const t of expected) {
      const got = weights.get(t.name)!;
      expect(got.dtype).toBe(t.dtype);
      expect(got.shape).toEqual(t.shape);
      expect(got.data).toBeInstanceOf(Float32Array);
      expect(Array.from(got.data)).toEqual(t.values);
    }
  });

  it('finds data.pkl in a folder named after the file, not only archive/', () => {
    // state_f32.pt was saved to a path, so its folder is state_f32/; the refusal fixtures use archive/.
    expect(readCheckpoint(fixtureBytes('state_f32.pt'), 'renamed.bin').size).toBe(6);
  });

  it('honours strides and storage offsets of views (transposed, sliced, a row of a shared storage)', () => {
    const weights = readCheckpoint(fixtureBytes('views.pt'), 'views.pt');
    // base = arange(24).reshape(4, 6) / 8
    expect(Array.from(weights.get('transposed')!.data.subarray(0, 4))).toEqual([0, 6 / 8, 12 / 8, 18 / 8]);
    expect(Array.from(weights.get('sliced')!.data)).toEqual([6, 8, 10, 12, 14, 16, 18, 20, 22].map((v) => v / 8));
    expect(Array.from(weights.get('row')!.data)).toEqual([12, 13, 14, 15, 16, 17].map((v) => v / 8));
    expect(weights.get('scalar')!.shape).toEqual([]);
  });

  it('reads a float32 tensor at an unaligned offset of a safetensors file (copied, not viewed)', () => {
    const bytes = fixtureBytes('weights.safetensors');
    const weight = readCheckpoint(bytes, 'w.safetensors').get('weight')!;
    expect(weight.data.buffer).not.toBe(bytes.buffer);
    expect(weight.data[0]).toBeCloseTo(-2.5 / 3, 6);
  });

  it('views aligned float32 storages of a stored zip in place (no second copy of the weights)', () => {
    const bytes = fixtureBytes('state_f32.pt');
    expect(readCheckpoint(bytes, 'state_f32.pt').get('stem.weight')!.data.buffer).toBe(bytes.buffer);
  });

  it('refuses a pickle that names os.system by name, and runs nothing', () => {
    expect(refusal(fixtureBytes('os_system.pt'))).toBe(
      'Refused: the checkpoint names the global os.system, which a state dict never needs; nothing was run.',
    );
  });

  it('refuses a whole pickled model with the fix', () => {
    const message = refusal(fixtureBytes('whole_model.pt'));
    expect(message).toContain('whole pickled model');
    expect(message).toContain('torchvision.models.convnext.ConvNeXt');
    expect(message).toContain('torch.save(model.state_dict(),');
  });

  it('refuses a pre-1.6 legacy .pth with the fix', () => {
    const message = refusal(fixtureBytes('legacy.pth'));
    expect(message).toContain('old (pre-1.6, non-zip) format');
    expect(message).toContain('Re-save it with a current PyTorch');
  });

  it('says a truncated zip checkpoint is truncated', () => {
    const bytes = fixtureBytes('state_f32.pt');
    expect(refusal(bytes.subarray(0, bytes.length - 30))).toMatch(/truncated/);
    expect(refusal(bytes.subarray(0, 1000))).toMatch(/truncated/);
  });

  it('says a truncated safetensors file is truncated', () => {
    const bytes = fixtureBytes('weights.safetensors');
    expect(refusal(bytes.subarray(0, bytes.length - 1), 'w.safetensors')).toMatch(/truncated/);
  });

  it('refuses safetensors dtypes other than F32, F16 and BF16 by name', () => {
    const header = new TextEncoder().encode(JSON.stringify({ steps: { dtype: 'I64', shape: [1], data_offsets: [0, 8] } }));
    const bytes = new Uint8Array(8 + header.length + 8);
    new DataView(bytes.buffer).setUint32(0, header.length, true);
    bytes.set(header, 8);
    expect(refusal(bytes, 'x.safetensors')).toBe('The tensor "steps" is stored as I64; ConvLens reads F32, F16 and BF16 weights only.');
  });

  it('says what random bytes and an empty file are not', () => {
    expect(refusal(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]), 'x.bin')).toMatch(/^x\.bin is not a checkpoint ConvLens can read/);
    expect(refusal(new Uint8Array(0), 'x.pt')).toMatch(/The file is empty\.$/);
  });

  it('refuses a file over the size limit before parsing it', () => {
    // A stand-in with only a length: the limit is checked before a single byte is read.
    const big = { length: 1_500_000_001 } as unknown as Uint8Array;
    expect(refusal(big, 'huge.safetensors')).toMatch(/^huge\.safetensors is 1500\.0 MB, more than the 1500\.0 MB/);
  });

  it('knows checkpoint file names by extension', () => {
    expect(['a.safetensors', 'B.PTH', 'c.pt', 'pytorch_model.bin'].every(isCheckpointName)).toBe(true);
    expect(['model.onnx', 'config.json', 'labels.txt'].some(isCheckpointName)).toBe(false);
  });
});

describe('readCheckpoint on forged views', () => {
  /** views.pt with its pickle's shape of "row" (6,) replaced: the same bytes otherwise. */
  function withRowShape(patch: (pickle: Uint8Array, at: number) => void): Uint8Array {
    const bytes = fixtureBytes('views.pt').slice();
    // BINUNICODE 'row' is followed, a few ops later, by its size tuple: BININT1 6, TUPLE1 (0x4b 0x06 0x85).
    const rowAt = Buffer.from(bytes).indexOf(Buffer.from('row'));
    const sizeAt = Buffer.from(bytes).indexOf(Buffer.from([0x4b, 0x06, 0x85]), rowAt);
    expect(rowAt).toBeGreaterThan(0);
    expect(sizeAt).toBeGreaterThan(rowAt);
    patch(bytes, sizeAt);
    return bytes;
  }

  it('refuses a view that runs past its storage', () => {
    // Size 6 -> 250 with stride 1: the reader must say so, not read out of bounds.
    const bytes = withRowShape((b, at) => (b[at + 1] = 250));
    expect(() => readCheckpoint(bytes, 'views.pt')).toThrow('the tensor "row" reaches past the end of its storage');
  });

  it('refuses a broadcast view (stride 0) with more elements than its storage, which a forged file could use to make us allocate', () => {
    const bytes = withRowShape((b, at) => {
      b[at + 1] = 250;
      // The stride tuple follows: BINPUT n, then BININT1 1, TUPLE1.
      const strideAt = Buffer.from(b).indexOf(Buffer.from([0x4b, 0x01, 0x85]), at + 3);
      expect(strideAt).toBeGreaterThan(at);
      b[strideAt + 1] = 0;
    });
    expect(() => readCheckpoint(bytes, 'views.pt')).toThrow('the tensor "row" has more elements than its storage');
  });
});
