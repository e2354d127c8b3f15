/**
 * Which ConvNeXt a checkpoint holds, read from its weight names and shapes alone (configs on
 * the Hub are often wrong): the family, and every module path the graph needs, which are also
 * the tap names the page shows. Depths come from the block indices present, widths from the
 * tensors (convnextGraph.ts checks every shape as it builds).
 *
 * Module paths, as each library names them:
 *   transformers  convnext[v2].embeddings.patch_embeddings / .layernorm,
 *                 convnext.encoder.stages.S.downsampling_layer.0 / .1,
 *                 convnext.encoder.stages.S.layers.B.{dwconv, layernorm, pwconv1, act, grn, pwconv2},
 *                 convnext.layernorm, classifier (the prefix is absent in a bare ConvNextModel)
 *   timm          stem.0 / stem.1, stages.S.downsample.0 / .1,
 *                 stages.S.blocks.B.{conv_dw, norm, mlp.fc1, mlp.act, mlp.grn, mlp.fc2}, gamma,
 *                 head.global_pool, head.norm, head.fc
 *   torchvision   features.0.0 / features.0.1, features.2S.0 / .1 (downsampling),
 *                 features.(2S+1).B.block.{0 dw, 2 norm, 3 fc1, 4 GELU, 5 fc2}, layer_scale,
 *                 avgpool, classifier.0 (norm), classifier.2 (Linear)
 */
import { CheckpointError, type WeightMap } from './types';

export type ConvNextFamily = 'transformers' | 'timm' | 'torchvision';

export interface BlockSpec {
  /** The block's module path: its output's tap name. */
  path: string;
  dwconv: string;
  norm: string;
  fc1: string;
  act: string;
  /** ConvNeXt V2's Global Response Norm, null in V1. */
  grn: string | null;
  fc2: string;
  /** Full weight name of the layer scale, null where the block has none (V2). */
  layerScale: string | null;
  /** Norm and MLP run on (N, H, W, C) in the upstream code (Linear layers); false for timm's conv_mlp (1×1 convs). */
  channelsLast: boolean;
}

export interface StageSpec {
  /** Channels-first LayerNorm then 2×2 stride-2 conv; null for the first stage. */
  downsample: { norm: string; conv: string } | null;
  blocks: BlockSpec[];
}

export interface ConvNextSpec {
  family: ConvNextFamily;
  /** What it was recognised as, for the user: "transformers ConvNextV2ForImageClassification". */
  recognisedAs: string;
  v2: boolean;
  stem: { conv: string; norm: string };
  stages: StageSpec[];
  head: {
    /** Tap name of the global average pool where it is a module of its own. */
    pool: string | null;
    norm: string;
    /** The head norm's epsilon (transformers: config.layer_norm_eps). */
    normEps: number;
    /** null: a bare backbone, no class scores. */
    fc: string | null;
  };
}

/** Every LayerNorm of every family except transformers' final one. */
export const CONVNEXT_EPS = 1e-6;
/** transformers' ConvNextConfig.layer_norm_eps default. */
export const TRANSFORMERS_HEAD_EPS = 1e-12;

const has = (w: WeightMap, key: string): boolean => w.has(key);

/** Indices i for which `${prefix}${i}${suffix}` is a weight, 0.. without a gap. */
function countFrom0(w: WeightMap, prefix: string, suffix: string, step = 1, start = 0): number[] {
  const found: number[] = [];
  for (let i = start; has(w, `${prefix}${i}${suffix}`); i += step) found.push(i);
  return found;
}

function transformersSpec(w: WeightMap, headEps: number): ConvNextSpec | null {
  const prefix = ['convnext.', 'convnextv2.', ''].find((p) => has(w, `${p}embeddings.patch_embeddings.weight`));
  if (prefix === undefined) return null;
  const v2 = [...w.keys()].some((k) => k.startsWith(prefix) && k.endsWith('.grn.weight'));
  const enc = `${prefix}encoder.stages.`;
  const stages = countFrom0(w, enc, '.layers.0.dwconv.weight').map((s): StageSpec => ({
    downsample: s === 0 ? null : { norm: `${enc}${s}.downsampling_layer.0`, conv: `${enc}${s}.downsampling_layer.1` },
    blocks: countFrom0(w, `${enc}${s}.layers.`, '.dwconv.weight').map((b) => {
      const path = `${enc}${s}.layers.${b}`;
      return {
        path, dwconv: `${path}.dwconv`, norm: `${path}.layernorm`, fc1: `${path}.pwconv1`, act: `${path}.act`,
        grn: v2 ? `${path}.grn` : null, fc2: `${path}.pwconv2`,
        layerScale: has(w, `${path}.layer_scale_parameter`) ? `${path}.layer_scale_parameter` : null, channelsLast: true,
      };
    }),
  }));
  const model = v2 ? 'ConvNextV2' : 'ConvNext';
  const fc = has(w, 'classifier.weight') ? 'classifier' : null;
  return {
    family: 'transformers', v2, recognisedAs: `transformers ${model}${fc ? 'ForImageClassification' : 'Model (no classifier)'}`,
    stem: { conv: `${prefix}embeddings.patch_embeddings`, norm: `${prefix}embeddings.layernorm` },
    stages, head: { pool: null, norm: `${prefix}layernorm`, normEps: headEps, fc },
  };
}

function timmSpec(w: WeightMap): ConvNextSpec | null {
  if (!has(w, 'stem.0.weight') || !has(w, 'stages.0.blocks.0.conv_dw.weight')) return null;
  const v2 = has(w, 'stages.0.blocks.0.mlp.grn.weight');
  const convMlp = w.get('stages.0.blocks.0.mlp.fc1.weight')?.shape.length === 4;
  const stages = countFrom0(w, 'stages.', '.blocks.0.conv_dw.weight').map((s): StageSpec => ({
    downsample: has(w, `stages.${s}.downsample.1.weight`) ? { norm: `stages.${s}.downsample.0`, conv: `stages.${s}.downsample.1` } : null,
    blocks: countFrom0(w, `stages.${s}.blocks.`, '.conv_dw.weight').map((b) => {
      const path = `stages.${s}.blocks.${b}`;
      return {
        path, dwconv: `${path}.conv_dw`, norm: `${path}.norm`, fc1: `${path}.mlp.fc1`, act: `${path}.mlp.act`,
        grn: v2 ? `${path}.mlp.grn` : null, fc2: `${path}.mlp.fc2`,
        layerScale: has(w, `${path}.gamma`) ? `${path}.gamma` : null, channelsLast: !convMlp,
      };
    }),
  }));
  const fc = has(w, 'head.fc.weight') ? 'head.fc' : null;
  return {
    family: 'timm', v2, recognisedAs: `timm ${v2 ? 'convnextv2' : 'convnext'}${convMlp ? ' (conv_mlp)' : ''}${fc ? '' : ' without a classifier'}`,
    stem: { conv: 'stem.0', norm: 'stem.1' },
    stages, head: { pool: 'head.global_pool', norm: 'head.norm', normEps: CONVNEXT_EPS, fc },
  };
}

function torchvisionSpec(w: WeightMap): ConvNextSpec | null {
  if (!has(w, 'features.0.0.weight') || !has(w, 'features.1.0.block.0.weight')) return null;
  const stages = countFrom0(w, 'features.', '.0.block.0.weight', 2, 1).map((f): StageSpec => ({
    downsample: f === 1 ? null : { norm: `features.${f - 1}.0`, conv: `features.${f - 1}.1` },
    blocks: countFrom0(w, `features.${f}.`, '.block.0.weight').map((b) => {
      const path = `features.${f}.${b}`;
      return {
        path, dwconv: `${path}.block.0`, norm: `${path}.block.2`, fc1: `${path}.block.3`, act: `${path}.block.4`,
        grn: null, fc2: `${path}.block.5`, layerScale: `${path}.layer_scale`, channelsLast: true,
      };
    }),
  }));
  const fc = has(w, 'classifier.2.weight') ? 'classifier.2' : null;
  return {
    family: 'torchvision', v2: false, recognisedAs: `torchvision ConvNeXt${fc ? '' : ' without a classifier'}`,
    stem: { conv: 'features.0.0', norm: 'features.0.1' },
    stages, head: { pool: 'avgpool', norm: 'classifier.0', normEps: CONVNEXT_EPS, fc },
  };
}

/** "312 tensors, e.g. encoder.layer.0.attention.query.weight, …": what a refused checkpoint holds. */
export function describeKeys(w: WeightMap): string {
  const keys = [...w.keys()];
  if (keys.length === 0) return 'It holds no tensors at all.';
  const shown = keys.slice(0, 4).map((k) => `${k} (${w.get(k)!.shape.join('×') || 'scalar'})`);
  return `It holds ${keys.length} tensor${keys.length === 1 ? '' : 's'}, e.g. ${shown.join(', ')}${keys.length > 4 ? ', …' : ''}.`;
}

/** Wrappers that prefix every name: nn.DataParallel ("module."), torch.compile ("_orig_mod."). */
const WRAPPER_PREFIXES = ['module.', '_orig_mod.'];

/** The weights under the names the network's own modules have (no tensor is copied). */
export function unwrapPrefixes(w: WeightMap): WeightMap {
  const keys = [...w.keys()];
  const prefix = WRAPPER_PREFIXES.find((p) => keys.length > 0 && keys.every((k) => k.startsWith(p)));
  return prefix ? unwrapPrefixes(new Map(keys.map((k) => [k.slice(prefix.length), w.get(k)!]))) : w;
}

/**
 * The spec of a ConvNeXt checkpoint, or a CheckpointError saying why this is not one.
 * `headEps`: transformers' config.layer_norm_eps when the repo's config.json gives it.
 */
export function detectConvNext(w: WeightMap, headEps: number = TRANSFORMERS_HEAD_EPS): ConvNextSpec {
  const spec = transformersSpec(w, headEps) ?? timmSpec(w) ?? torchvisionSpec(w);
  if (!spec) {
    throw new CheckpointError(
      `This checkpoint is not a ConvNeXt that ConvLens can build: ${describeKeys(w)} ` +
        'ConvLens builds ConvNeXt and ConvNeXt V2 checkpoints from transformers, timm and torchvision; ' +
        'any other network loads as an ONNX file (.onnx).',
    );
  }
  if (spec.stages.length === 0 || spec.stages.some((s) => s.blocks.length === 0)) {
    throw new CheckpointError(`This ${spec.recognisedAs} checkpoint has a stage without blocks; its weights are incomplete.`);
  }
  return spec;
}
