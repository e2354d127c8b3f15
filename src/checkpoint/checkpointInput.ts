/**
 * The input a checkpoint's network expects, from what each library saves beside it:
 *   transformers  preprocessor_config.json, read as the app reads a Hub repo's (hfPreprocessor.ts);
 *                 without one, the facebook/convnext-*-224 repos' own (shortest_edge 224,
 *                 crop_pct 0.875, bicubic, ImageNet mean/std);
 *   timm          config.json's pretrained_cfg, as timm's eval transform uses it: shorter side to
 *                 floor(size / crop_pct), centre crop, its interpolation, mean and std;
 *   torchvision   torchvision's ConvNeXt eval transform: bilinear 236, centre crop 224, ImageNet.
 * Every one of them can be changed afterwards with *Apply input settings*.
 */
import { REPO_PREPROCESSING } from '../model/deriveManifest';
import { PreprocessorConfigError, readPreprocessorConfig } from '../model/hfPreprocessor';
import type { InputSpec } from '../model/manifest';
import type { ConvNextFamily } from './convnextSpec';
import { CheckpointError } from './types';

const IMAGENET_MEAN: [number, number, number] = [0.485, 0.456, 0.406];
const IMAGENET_STD: [number, number, number] = [0.229, 0.224, 0.225];

/** What facebook/convnext-tiny-224's preprocessor_config.json says: the default for a transformers checkpoint without one. */
const TRANSFORMERS_DEFAULT = {
  image_processor_type: 'ConvNextImageProcessor', size: { shortest_edge: 224 }, crop_pct: 0.875, resample: 3,
  do_normalize: true, image_mean: IMAGENET_MEAN, image_std: IMAGENET_STD,
};

export interface CheckpointInput {
  input: InputSpec;
  /** For the page: where the settings came from. */
  source: string;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function transformersInput(preprocessorConfig: unknown): CheckpointInput {
  const given = preprocessorConfig !== undefined;
  try {
    const p = readPreprocessorConfig(given ? preprocessorConfig : TRANSFORMERS_DEFAULT);
    const size = p.cropSize;
    return {
      input: {
        name: 'pixel_values', layout: 'NCHW', shape: [1, 3, size, size], resizeSize: p.resizeSize, cropSize: size,
        interpolation: p.interpolation, resizeMode: p.resizeMode, convention: p.convention, rescaleFactor: p.rescaleFactor,
        mean: [...p.mean], std: [...p.std], normalisation: given ? REPO_PREPROCESSING : 'imagenet',
      },
      source: given ? p.source : 'transformers ConvNeXt defaults (no preprocessor_config.json)',
    };
  } catch (e) {
    if (e instanceof PreprocessorConfigError) throw new CheckpointError(e.message);
    throw e;
  }
}

function triple(cfg: Record<string, unknown>, key: string, fallback: [number, number, number]): [number, number, number] {
  const v = cfg[key];
  if (v === undefined) return fallback;
  if (!Array.isArray(v) || v.length !== 3 || !v.every((n) => typeof n === 'number' && Number.isFinite(n))) {
    throw new CheckpointError(`config.json: pretrained_cfg.${key} should be three numbers, not ${JSON.stringify(v)}.`);
  }
  return [v[0], v[1], v[2]];
}

function timmInput(config: unknown): CheckpointInput {
  const cfg = isObject(config) && isObject(config.pretrained_cfg) ? config.pretrained_cfg : {};
  const inputSize = cfg.input_size ?? [3, 224, 224];
  if (!Array.isArray(inputSize) || inputSize.length !== 3 || inputSize[1] !== inputSize[2] || !Number.isInteger(inputSize[1]) || inputSize[1] < 32 || inputSize[1] > 1024) {
    throw new CheckpointError(`config.json: pretrained_cfg.input_size ${JSON.stringify(inputSize)} is not a square image size ConvLens can use.`);
  }
  const size = inputSize[1] as number;
  const cropPct = cfg.crop_pct ?? 0.875;
  if (typeof cropPct !== 'number' || !(cropPct > 0) || cropPct > 1) throw new CheckpointError(`config.json: pretrained_cfg.crop_pct should be a number in (0, 1], not ${JSON.stringify(cfg.crop_pct)}.`);
  const cropMode = cfg.crop_mode ?? 'center';
  if (cropMode !== 'center') throw new CheckpointError(`config.json: pretrained_cfg.crop_mode "${String(cropMode)}" is not supported; ConvLens follows timm's "center".`);
  const interpolation = cfg.interpolation ?? 'bicubic';
  if (interpolation !== 'bicubic' && interpolation !== 'bilinear') {
    throw new CheckpointError(`config.json: pretrained_cfg.interpolation "${String(interpolation)}" is not supported; ConvLens implements bilinear and bicubic.`);
  }
  const mean = triple(cfg, 'mean', IMAGENET_MEAN);
  const std = triple(cfg, 'std', IMAGENET_STD);
  if (std.some((s) => !(s > 0))) throw new CheckpointError('config.json: every pretrained_cfg.std must be a positive number.');
  const imagenet = mean.every((m, i) => m === IMAGENET_MEAN[i]) && std.every((s, i) => s === IMAGENET_STD[i]);
  return {
    input: {
      name: 'input', layout: 'NCHW', shape: [1, 3, size, size],
      // timm's transforms_factory: scale_size = math.floor(img_size / crop_pct).
      resizeSize: Math.floor(size / cropPct), cropSize: size, interpolation, resizeMode: 'shorter', convention: 'torchvision',
      mean, std, normalisation: imagenet ? 'imagenet' : 'custom',
    },
    source: isObject(config) && isObject(config.pretrained_cfg) ? "timm pretrained_cfg (config.json)" : 'timm ConvNeXt defaults (no config.json)',
  };
}

const TORCHVISION: CheckpointInput = {
  input: {
    name: 'input', layout: 'NCHW', shape: [1, 3, 224, 224], resizeSize: 236, cropSize: 224, interpolation: 'bilinear',
    resizeMode: 'shorter', convention: 'torchvision', mean: IMAGENET_MEAN, std: IMAGENET_STD, normalisation: 'imagenet',
  },
  source: "torchvision's ConvNeXt eval transform",
};

export function checkpointInput(family: ConvNextFamily, config: unknown, preprocessorConfig: unknown): CheckpointInput {
  if (family === 'transformers') return transformersInput(preprocessorConfig);
  if (family === 'timm') return timmInput(config);
  return { input: { ...TORCHVISION.input, mean: [...IMAGENET_MEAN], std: [...IMAGENET_STD], shape: [1, 3, 224, 224] }, source: TORCHVISION.source };
}

/**
 * transformers' config.layer_norm_eps (the final LayerNorm's), or undefined. Only from a ConvNeXt
 * config: a repo whose config.json names another model (a Swin, seen on the Hub) says nothing
 * about these weights' norm.
 */
export function configLayerNormEps(config: unknown): number | undefined {
  if (!isObject(config)) return undefined;
  if (config.model_type !== undefined && config.model_type !== 'convnext' && config.model_type !== 'convnextv2') return undefined;
  const eps = config.layer_norm_eps;
  return typeof eps === 'number' && eps > 0 && eps < 1 ? eps : undefined;
}

/**
 * The same pipeline for another square input size (Apply input settings on a built model, which
 * is then rebuilt): the crop becomes `size`, the resize keeps its ratio to the crop.
 */
export function withInputSize(input: InputSpec, size: number): InputSpec {
  if (!Number.isInteger(size) || size < 32 || size > 1024) throw new CheckpointError(`An input of ${size}×${size} pixels is not possible here: choose a whole number from 32 to 1024.`);
  return { ...input, shape: [1, 3, size, size], cropSize: size, resizeSize: Math.floor((size * input.resizeSize) / input.cropSize) };
}

/**
 * A ConvNeXt config.json whose `hidden_act` is not GELU: the graph computes exact-erf GELU only,
 * so such a network is refused by name rather than silently computed with another activation.
 * transformers' "gelu" is the exact form; a config of another model type says nothing here.
 */
export function assertGeluActivation(config: unknown): void {
  if (!isObject(config)) return;
  if (config.model_type !== undefined && config.model_type !== 'convnext' && config.model_type !== 'convnextv2') return;
  const act = config.hidden_act;
  if (act === undefined || act === 'gelu') return;
  throw new CheckpointError(`config.json says hidden_act is ${JSON.stringify(act)}: the page builds ConvNeXts with exact GELU only, so this network cannot be built here.`);
}
