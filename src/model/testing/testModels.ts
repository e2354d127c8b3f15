/**
 * The "bring your own model" test models (model/make_test_models.py), made on demand
 * so unit and end-to-end tests are self-sufficient. Node only.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { GoldenTensor } from '../../../model/compare';

export const ROOT = resolve(import.meta.dirname, '../../..');
export const TEST_MODELS_DIR = resolve(ROOT, 'model/.cache/test-models');
const PYTHON = process.env.CONVLENS_PYTHON ?? '/usr/bin/python3';
/** The last file the script writes: when it exists, all do. */
const LAST_FILE = 'no-image-input.onnx';

export function ensureTestModels(): string {
  if (!existsSync(resolve(TEST_MODELS_DIR, LAST_FILE))) {
    execFileSync(PYTHON, [resolve(ROOT, 'model/make_test_models.py'), '--out', TEST_MODELS_DIR], { stdio: 'inherit', timeout: 600_000 });
  }
  return TEST_MODELS_DIR;
}

export function testModelPath(file: string): string {
  return resolve(TEST_MODELS_DIR, file);
}

export function readTestModel(file: string): Uint8Array {
  return new Uint8Array(readFileSync(testModelPath(file)));
}

/** A tap of a test model's golden JSON: the golden tensor plus where it lives in the graph. */
export interface GoldenTap extends GoldenTensor {
  module: string;
  node: string;
  value: string;
  op: string;
}

export interface TestModelGolden {
  modelId: string;
  files: string[];
  photo: string;
  input: { name: string; layout: 'NCHW' | 'NHWC'; size: number; resizeSize: number; mean: number[]; std: number[] };
  numClasses: number;
  logits: Omit<GoldenTap, 'module' | 'node' | 'value' | 'op'>;
  taps: GoldenTap[];
  dynamicSize?: boolean;
  labels?: string[];
}

export function readTestGolden(modelId: string): TestModelGolden {
  return JSON.parse(readFileSync(testModelPath(`${modelId}.golden.json`), 'utf8')) as TestModelGolden;
}
