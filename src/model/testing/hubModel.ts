/**
 * The project-made Hub-style ConvNeXt (model/hf_convnext.py): a repo folder laid out like
 * huggingface.co/<owner>/<name> (config.json, preprocessor_config.json, onnx/model.onnx,
 * onnx/model_fp16.onnx) plus PyTorch reference values, made on demand. Node only.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { GoldenTensor } from '../../../model/compare';
import { ROOT } from './testModels';

export const HUB_DIR = resolve(ROOT, 'e2e/generated/hub');
/** The id the test repo stands in for (the app's preset). */
export const HUB_TEST_ID = 'Xenova/convnext-tiny-224';
const PYTHON = process.env.CONVLENS_PYTHON ?? '/usr/bin/python3';

export interface HubReference {
  repoId: string;
  photo: string;
  preprocessing: { resizeShortest: number; crop: number; resample: string; mean: number[]; std: number[] };
  /** The network input PyTorch saw: [3, 224, 224]. */
  input: GoldenTensor;
  /** PyTorch forward-hook outputs by module path, with the app's tap that carries each. */
  taps: (GoldenTensor & { module: string; tap: string })[];
  logits: GoldenTensor;
  top5: number[];
}

export interface HubTestRepo {
  id: string;
  /** Folder with config.json, preprocessor_config.json and onnx/. */
  dir: string;
  reference: HubReference;
  /** [1, 3, 224, 224] float32 input PyTorch used (a .npy file). */
  inputNpy: string;
}

/** Makes the repo folder if it is missing (a few seconds) and reads its reference. */
export function ensureHubModel(id: string = HUB_TEST_ID): HubTestRepo {
  const [owner, name] = id.split('/') as [string, string];
  const refPath = resolve(HUB_DIR, owner, `${name}.reference.json`);
  if (!existsSync(refPath) || !existsSync(resolve(HUB_DIR, owner, name, 'onnx/model_quantized.onnx'))) {
    execFileSync(PYTHON, [resolve(ROOT, 'model/hf_convnext.py'), '--out', HUB_DIR, '--id', id], { stdio: 'inherit', timeout: 600_000 });
  }
  return {
    id,
    dir: resolve(HUB_DIR, owner, name),
    reference: JSON.parse(readFileSync(refPath, 'utf8')) as HubReference,
    inputNpy: resolve(HUB_DIR, owner, `${name}.input.npy`),
  };
}

/** ensureHubModel, plus its two ONNX files copied into dist/<folder>, where the preview server serves them. */
export function serveHubModelFiles(folder: string, id: string = HUB_TEST_ID): HubTestRepo {
  const repo = ensureHubModel(id);
  const dir = resolve(ROOT, 'dist', folder);
  mkdirSync(dir, { recursive: true });
  for (const f of ['model.onnx', 'model_fp16.onnx']) copyFileSync(resolve(repo.dir, 'onnx', f), resolve(dir, f));
  return repo;
}
