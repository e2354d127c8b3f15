// @vitest-environment node
/**
 * The Hub-style ConvNeXt (model/hf_convnext.py) through the app's own code paths:
 * preprocessor_config.json -> hfPreprocessor -> preprocess (bicubic, transformers' crop),
 * graph analysis (tap names, stages, kinds, receptive fields) and onnxruntime-node runs of
 * model.onnx and model_fp16.onnx with every tap added as an output, compared with PyTorch
 * forward hooks on transformers-style preprocessing of the same photo.
 *
 * Measure (model/compare.ts): worst |app - torch| at the reference's sample positions, and
 * the min/max/mean/std, relative to max(|min|, |max|) of the PyTorch tensor.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodePng } from '../src/image/fixtures/load';
import { preprocess } from '../src/image/preprocess';
import { deriveManifest, findImageInput, inputSpecFor } from '../src/model/deriveManifest';
import { findTapCandidates } from '../src/model/graphTaps';
import { readPreprocessorConfig } from '../src/model/hfPreprocessor';
import type { InputSpec, Manifest } from '../src/model/manifest';
import { addGraphOutputs, readOnnx } from '../src/model/onnxProto';
import { graphReceptiveFields } from '../src/model/receptiveField';
import { ensureHubModel, type HubTestRepo } from '../src/model/testing/hubModel';
import { float16DataToFloat32 } from '../src/worker/float16';
import { compareToGolden } from './compare';

const FP32_TOLERANCE = 1e-4;
/** float16 compute (not only storage) through 8 blocks: measured 5.8e-4 with onnxruntime-node 1.30. */
const FP16_TOLERANCE = 2e-3;

let repo: HubTestRepo;
let input: InputSpec;
let tensor: Float32Array;

interface Analysed {
  manifest: Manifest;
  outputs: Record<string, Float32Array>;
}

/** What the worker does with a foreign file: analyse, add the taps as outputs, run zeros to learn dims, derive, run the photo. */
async function analyseAndRun(file: string): Promise<Analysed> {
  const bytes = new Uint8Array(readFileSync(resolve(repo.dir, 'onnx', file)));
  const summary = readOnnx(bytes);
  const image = findImageInput(summary);
  const candidates = findTapCandidates(summary, image);
  const session = await ort.InferenceSession.create(addGraphOutputs(bytes, candidates.map((c) => c.value)));
  try {
    const run = async (data: Float32Array) => session.run({ [input.name]: new ort.Tensor('float32', data, input.shape) });
    const probe = await run(new Float32Array(tensor.length));
    const dims = new Map(Object.entries(probe).map(([k, t]) => [k, { dims: [...t.dims], type: t.type }]));
    const manifest = deriveManifest({
      summary, fileName: file, bytes: bytes.byteLength, sha256: '0'.repeat(64), image, input, candidates, outputs: dims,
      fields: graphReceptiveFields(summary, image.name),
    });
    const results = await run(tensor);
    const outputs: Record<string, Float32Array> = {};
    for (const tap of manifest.taps) {
      const t = results[tap.output ?? tap.name]!;
      outputs[tap.name] = t.type === 'float16' ? float16DataToFloat32(t.data) : (t.data as Float32Array);
    }
    return { manifest, outputs };
  } finally {
    await session.release();
  }
}

beforeAll(() => {
  repo = ensureHubModel();
  const config = JSON.parse(readFileSync(resolve(repo.dir, 'preprocessor_config.json'), 'utf8')) as unknown;
  const bytes = new Uint8Array(readFileSync(resolve(repo.dir, 'onnx', 'model.onnx')));
  input = inputSpecFor(findImageInput(readOnnx(bytes)), { preprocessing: readPreprocessorConfig(config) });
  const png = decodePng(repo.reference.photo);
  tensor = preprocess(png.rgba, png.width, png.height, input).tensor;
}, 600_000);

describe('Hub-style ConvNeXt: preprocessing', () => {
  it('reads preprocessor_config.json as bicubic 256 -> centre crop 224 with ImageNet mean/std', () => {
    expect(input).toMatchObject({ name: 'pixel_values', layout: 'NCHW', shape: [1, 3, 224, 224], resizeSize: 256, cropSize: 224, interpolation: 'bicubic', resizeMode: 'shorter', convention: 'transformers' });
  });

  it("gives exactly the network input transformers' steps give (PIL bicubic, floor crop, float64 rescale)", () => {
    const ref = repo.reference.input;
    expect(ref.samples.indices.map((i) => tensor[i])).toEqual(ref.samples.values);
    const cmp = compareToGolden('input', tensor, ref, 1e-7);
    expect(cmp.ok, cmp.reason).toBe(true);
  });
});

describe('Hub-style ConvNeXt: graph analysis', () => {
  let fp32: Analysed;
  beforeAll(async () => {
    fp32 = await analyseAndRun('model.onnx');
  }, 120_000);

  it('names taps by module path, grouped stem / stages 1-4 / head, with the right kinds', () => {
    const taps = fp32.manifest.taps;
    const expected: [string, string, number, number | null][] = [
      ['convnext.embeddings.patch_embeddings', 'conv', 0, null],
      ['convnext.embeddings.layernorm', 'norm', 0, null],
    ];
    for (let s = 0; s < 4; s++) {
      if (s > 0) {
        expected.push([`convnext.encoder.stages.${s}.downsampling_layer.0`, 'norm', s + 1, null]);
        expected.push([`convnext.encoder.stages.${s}.downsampling_layer.1`, 'downsample', s + 1, null]);
      }
      for (let b = 0; b < 2; b++) {
        expected.push([`convnext.encoder.stages.${s}.layers.${b}.dwconv`, 'depthwise', s + 1, b]);
        expected.push([`convnext.encoder.stages.${s}.layers.${b}`, 'block', s + 1, b]);
      }
    }
    expected.push(['logits', 'logits', 5, null]);
    expect(taps.map((t) => [t.name, t.kind, t.stage, t.block])).toEqual(expected);
    const groups = [...new Set(taps.map((t) => t.group))];
    expect(groups).toEqual(['Stem · 56×56', 'Stage 1 · 56×56', 'Stage 2 · 28×28', 'Stage 3 · 14×14', 'Stage 4 · 7×7', 'Head']);
    expect(taps.find((t) => t.name === 'convnext.embeddings.layernorm')!.op).toBe('LayerNorm');
  });

  it('gives block outputs, depthwise convs and downsampling layers their receptive fields', () => {
    const rf = (name: string) => fp32.manifest.taps.find((t) => t.name === name)!.receptiveField;
    // Stem: 4x4 patches, stride 4, centred at 2.0 (as model/export.py computes for torchvision's ConvNeXt).
    expect(rf('convnext.embeddings.patch_embeddings')).toEqual({ size: 4, stride: 4, offset: 2 });
    expect(rf('convnext.embeddings.layernorm')).toEqual({ size: 4, stride: 4, offset: 2 });
    // Each 7x7 depthwise conv adds 6 grid steps.
    expect(rf('convnext.encoder.stages.0.layers.0.dwconv')).toEqual({ size: 28, stride: 4, offset: 2 });
    expect(rf('convnext.encoder.stages.0.layers.1')).toEqual({ size: 52, stride: 4, offset: 2 });
    expect(rf('convnext.encoder.stages.1.downsampling_layer.1')).toEqual({ size: 56, stride: 8, offset: 4 });
    expect(rf('convnext.encoder.stages.3.layers.1')).toEqual({ size: 52 + 4 + 2 * 48 + 8 + 2 * 96 + 16 + 2 * 192, stride: 32, offset: 16 }); // 752
    expect(rf('logits')).toBeNull();
  });

  it('matches PyTorch at every reference tap (fp32, relError <= 1e-4)', () => {
    for (const t of repo.reference.taps) {
      const data = fp32.outputs[t.tap];
      expect(data, t.tap).toBeDefined();
      const cmp = compareToGolden(t.tap, data!, t, FP32_TOLERANCE);
      expect(cmp.ok, `${t.tap}: ${cmp.reason}`).toBe(true);
    }
    const cmp = compareToGolden('logits', fp32.outputs.logits!, repo.reference.logits, FP32_TOLERANCE);
    expect(cmp.ok, cmp.reason).toBe(true);
  });

  it('runs the fp16 variant: float16 taps converted to float32 stay close to PyTorch', async () => {
    const fp16 = await analyseAndRun('model_fp16.onnx');
    expect(fp16.manifest.taps.map((t) => t.name)).toEqual(fp32.manifest.taps.map((t) => t.name));
    let worst = 0;
    for (const t of repo.reference.taps) {
      const cmp = compareToGolden(t.tap, fp16.outputs[t.tap]!, t, FP16_TOLERANCE);
      worst = Math.max(worst, cmp.relError);
      expect(cmp.ok, `${t.tap}: ${cmp.reason}`).toBe(true);
    }
    // Really float16 compute: not bit-identical to float32.
    expect(worst).toBeGreaterThan(1e-5);
    const top = (x: Float32Array) => x.indexOf(Math.max(...x));
    expect(top(fp16.outputs.logits!)).toBe(repo.reference.top5[0]);
  }, 120_000);
});
