/**
 * The seeded checkpoints of model/make_checkpoints.py and PyTorch's output of every module on
 * a photo, made on demand (about 15 s) when missing or older than the script. Node only.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ROOT } from '../../model/testing/testModels';
import type { WeightDType, WeightMap } from '../types';

export const CHECKPOINT_DIR = resolve(ROOT, 'model/.cache/checkpoints');
const PYTHON = process.env.CONVLENS_PYTHON ?? '/usr/bin/python3';
const SOURCES = ['model/make_checkpoints.py', 'model/checkpoint_families.py'];

export interface ReferenceTap {
  name: string;
  channelsLast: boolean;
  shape: number[];
  offset: number;
  min: number;
  max: number;
}

export interface CheckpointCase {
  name: string;
  dir: string;
  /** The checkpoint file as its library saved it. */
  file: string;
  dtype: WeightDType;
  config?: unknown;
  preprocessorConfig?: unknown;
  /** Its tensors as float32, read from weights.bin (no reader involved). */
  rawWeights(): WeightMap;
  input: Float32Array;
  inputShape: number[];
  taps: ReferenceTap[];
  tapData(tap: ReferenceTap): Float32Array;
  top5: number[] | null;
}

function sourceHash(): string {
  const h = createHash('sha256');
  for (const f of SOURCES) h.update(readFileSync(resolve(ROOT, f)));
  return h.digest('hex');
}

/** Writes the fixtures if they are missing or stale; returns the case names. */
export function ensureCheckpointFixtures(): string[] {
  const stampPath = resolve(CHECKPOINT_DIR, 'stamp.json');
  const current = existsSync(stampPath) && (JSON.parse(readFileSync(stampPath, 'utf8')) as { source: string }).source === sourceHash();
  if (!current) execFileSync(PYTHON, [resolve(ROOT, 'model/make_checkpoints.py'), '--out', CHECKPOINT_DIR], { stdio: 'inherit', timeout: 600_000 });
  return (JSON.parse(readFileSync(stampPath, 'utf8')) as { cases: string[] }).cases;
}

const floats = (buf: Buffer, offset: number, count: number): Float32Array => {
  const out = new Float32Array(count);
  new Uint8Array(out.buffer).set(buf.subarray(offset, offset + count * 4));
  return out;
};

export function loadCheckpointCase(name: string): CheckpointCase {
  const dir = resolve(CHECKPOINT_DIR, name);
  const json = (f: string): unknown => (existsSync(resolve(dir, f)) ? JSON.parse(readFileSync(resolve(dir, f), 'utf8')) : undefined);
  const ref = json('reference.json') as { file: string; dtype: WeightDType; input: { shape: number[]; offset: number }; taps: ReferenceTap[]; top5?: number[] };
  const bin = readFileSync(resolve(dir, 'reference.bin'));
  const count = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);
  return {
    name, dir, file: ref.file, dtype: ref.dtype, config: json('config.json'), preprocessorConfig: json('preprocessor_config.json'),
    rawWeights: () => {
      const index = json('weights.json') as { name: string; dtype: WeightDType; shape: number[]; offset: number }[];
      const data = readFileSync(resolve(dir, 'weights.bin'));
      return new Map(index.map((t) => [t.name, { name: t.name, dtype: t.dtype, shape: t.shape, data: floats(data, t.offset, count(t.shape)) }]));
    },
    input: floats(bin, ref.input.offset, count(ref.input.shape)),
    inputShape: ref.input.shape,
    taps: ref.taps,
    tapData: (tap) => floats(bin, tap.offset, count(tap.shape)),
    top5: ref.top5 ?? null,
  };
}
