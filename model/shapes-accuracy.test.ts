// @vitest-environment node
/**
 * Held-out accuracy of the committed shapes model (public/models/convnext-atto-shapes/model.onnx)
 * with onnxruntime-node, on pictures the network never saw in training.
 *
 * /usr/bin/python3 model/shapes.py draws 800 pictures (100 per class) of 256x256 px with
 * seed 424242 (training used seed 0 and held-out seed 777), raw RGB bytes. Each picture goes
 * through the app's own preprocessing (src/image/preprocess.ts with the manifest's input spec:
 * resize the short side to 236 bilinear, centre crop 224, ImageNet mean/std), exactly as a
 * photo dropped into the page, and the network's arg-max is compared to the label.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { preprocess } from '../src/image/preprocess';
import { parseManifest } from '../src/model/manifestValidate';
import type { Manifest } from '../src/model/manifest';
import { logitsTap, tapOutputName } from '../src/model/taps';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const PYTHON = process.env.CONVLENS_PYTHON ?? '/usr/bin/python3';
const MODEL_DIR = path.join(ROOT, 'public/models/convnext-atto-shapes');
const SEED = 424242;
const COUNT = 800;
const SIZE = 256;
/** Issue 17's bar: at least 97 % of fresh drawn shapes at the app's 224 px input. */
const MIN_ACCURACY = 0.97;

let tmp = '';
let manifest: Manifest;
let pictures: Uint8Array;
let targets: number[];

beforeAll(() => {
  manifest = parseManifest(JSON.parse(fs.readFileSync(path.join(MODEL_DIR, 'manifest.json'), 'utf8')));
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'convlens-shapes-'));
  execFileSync(PYTHON, ['model/shapes.py', '--seed', String(SEED), '--count', String(COUNT), '--size', String(SIZE), '--out', tmp], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  pictures = new Uint8Array(fs.readFileSync(path.join(tmp, 'images.u8')));
  targets = (JSON.parse(fs.readFileSync(path.join(tmp, 'labels.json'), 'utf8')) as { targets: number[] }).targets;
}, 900_000);

afterAll(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

function rgba(index: number): Uint8Array {
  const px = SIZE * SIZE;
  const out = new Uint8Array(px * 4);
  const base = index * px * 3;
  for (let i = 0; i < px; i++) {
    out[i * 4] = pictures[base + i * 3]!;
    out[i * 4 + 1] = pictures[base + i * 3 + 1]!;
    out[i * 4 + 2] = pictures[base + i * 3 + 2]!;
    out[i * 4 + 3] = 255;
  }
  return out;
}

describe('shapes model', () => {
  it(`classifies ${COUNT} fresh drawn shapes at 224 px with at least ${MIN_ACCURACY * 100}% accuracy`, async () => {
    expect(manifest.labels).toEqual(['circle', 'square', 'triangle', 'star', 'cross', 'ring', 'hexagon', 'crescent']);
    expect(pictures.length).toBe(COUNT * SIZE * SIZE * 3);
    const session = await ort.InferenceSession.create(path.join(MODEL_DIR, manifest.file.name));
    const { cropSize } = manifest.input;
    const scores = tapOutputName(logitsTap(manifest)!);
    const confusion = manifest.labels.map(() => manifest.labels.map(() => 0));
    let correct = 0;
    for (let i = 0; i < COUNT; i++) {
      const { tensor } = preprocess(rgba(i), SIZE, SIZE, manifest.input);
      const out = await session.run({ [manifest.input.name]: new ort.Tensor('float32', tensor, [1, 3, cropSize, cropSize]) }, [scores]);
      const logits = out[scores]!.data as Float32Array;
      let best = 0;
      for (let k = 1; k < logits.length; k++) if (logits[k]! > logits[best]!) best = k;
      confusion[targets[i]!]![best]!++;
      if (best === targets[i]) correct++;
    }
    await session.release();
    const accuracy = correct / COUNT;
    console.log(`shapes model: ${correct}/${COUNT} = ${(accuracy * 100).toFixed(2)}% held-out accuracy (seed ${SEED})`);
    console.log(manifest.labels.map((l, k) => `${l.padEnd(9)} ${confusion[k]!.map((c) => String(c).padStart(4)).join('')}`).join('\n'));
    expect(accuracy).toBeGreaterThanOrEqual(MIN_ACCURACY);
  }, 600_000);
});
