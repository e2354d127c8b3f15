/**
 * A ConvNeXt checkpoint's weights (read by safetensors.ts / torchZip.ts) → an ONNX model with
 * every module's output as a graph output, and the manifest the app shows it with. Pure and
 * synchronous: the worker calls it, and so do the Node tests and the bench (it is the whole
 * "build" step between reading the file and InferenceSession.create).
 *
 * Throws CheckpointError, with a sentence the page shows as it is, for a checkpoint that is
 * not a ConvNeXt, a missing or misshapen tensor (the first one met), or settings that do not fit.
 */
import type { Manifest, Tap } from '../model/manifest';
import { assertGeluActivation, checkpointInput, configLayerNormEps, withInputSize } from './checkpointInput';
import { checkpointLabels } from './checkpointLabels';
import { buildConvNextGraph, type BuiltGraph } from './convnextGraph';
import { detectConvNext, TRANSFORMERS_HEAD_EPS, unwrapPrefixes, type ConvNextSpec } from './convnextSpec';
import { encodeOnnx, OPSET } from './onnxWriter';
import { describeTap } from './tapText';
import type { WeightMap } from './types';

export interface CheckpointSidecars {
  /** config.json (transformers: layer_norm_eps, id2label; timm: pretrained_cfg, label_names). */
  config?: unknown;
  /** transformers' preprocessor_config.json. */
  preprocessorConfig?: unknown;
  /** A labels file chosen with the checkpoint, one name per class. */
  labels?: string[];
  /** The checkpoint's file name, for the manifest's name and provenance. */
  fileName: string;
  /** A square input size other than the one the configs give (the graph's shapes are fixed at build). */
  inputSize?: number;
}

export const BUILDER_NAME = 'ConvLens checkpoint builder';
/** ONNX metadata_props key of the manifest (without `file`) inside a built model. */
export const MANIFEST_METADATA_KEY = 'convlens_manifest';

/** Known sizes (depths and widths as each library defines them), for a name people recognise. */
const SIZES: readonly { name: string; depths: number[]; width: number }[] = [
  { name: 'atto', depths: [2, 2, 6, 2], width: 40 },
  { name: 'femto', depths: [2, 2, 6, 2], width: 48 },
  { name: 'pico', depths: [2, 2, 6, 2], width: 64 },
  { name: 'nano', depths: [2, 2, 8, 2], width: 80 },
  { name: 'tiny', depths: [3, 3, 9, 3], width: 96 },
  { name: 'small', depths: [3, 3, 27, 3], width: 96 },
  { name: 'base', depths: [3, 3, 27, 3], width: 128 },
  { name: 'large', depths: [3, 3, 27, 3], width: 192 },
  { name: 'xlarge', depths: [3, 3, 27, 3], width: 256 },
  { name: 'huge', depths: [3, 3, 27, 3], width: 352 },
];

function archName(spec: ConvNextSpec, built: BuiltGraph): { arch: string; title: string } {
  const size = SIZES.find((s) => s.width === built.widths[0] && s.depths.join() === built.depths.join());
  const base = spec.v2 ? 'convnextv2' : 'convnext';
  const family = spec.v2 ? 'ConvNeXt V2' : 'ConvNeXt';
  if (size) return { arch: `${base}_${size.name}`, title: `${family}-${size.name[0]!.toUpperCase()}${size.name.slice(1)}` };
  return { arch: base, title: `${family} (depths ${built.depths.join('-')}, widths ${built.widths.join('-')})` };
}

function storedAs(weights: WeightMap): string {
  const kinds = new Set([...weights.values()].map((t) => t.dtype));
  return [...kinds].sort().join(' + ');
}

export function buildFromCheckpoint(saved: WeightMap, sidecars: CheckpointSidecars): { onnx: Uint8Array; manifest: Manifest } {
  const weights = unwrapPrefixes(saved);
  assertGeluActivation(sidecars.config);
  const spec = detectConvNext(weights, configLayerNormEps(sidecars.config) ?? TRANSFORMERS_HEAD_EPS);
  const configured = checkpointInput(spec.family, sidecars.config, sidecars.preprocessorConfig);
  const input = sidecars.inputSize === undefined ? configured.input : withInputSize(configured.input, sidecars.inputSize);
  const inputSource = configured.source;
  const built = buildConvNextGraph(spec, weights, input.name, input.cropSize);
  const { labels, source: labelsSource } = checkpointLabels(built.classes, sidecars.config, sidecars.labels);
  const { arch, title } = archName(spec, built);

  let previousWidth: number | null = null;
  let blockWidth = 0;
  const taps: Tap[] = built.taps.map((t) => {
    if (t.kind === 'block') blockWidth = t.shape[0]!;
    if (t.role === 'dwconv') blockWidth = t.shape[0]!;
    const tap: Tap = {
      name: t.name, kind: t.kind, stage: t.stage, block: t.block, shape: t.shape, receptiveField: t.receptiveField,
      description: describeTap(t, { crop: input.cropSize, previousWidth, blockWidth }),
    };
    if (t.channelsLast) tap.channelsLast = true;
    if (t.kind === 'block') previousWidth = t.shape[0]!;
    return tap;
  });

  const described: Omit<Manifest, 'file'> = {
    schemaVersion: 1,
    id: `checkpoint:${sidecars.fileName}`,
    displayName: `${title} · ${sidecars.fileName}`,
    arch,
    weights: {
      source: 'checkpoint',
      description: `${spec.recognisedAs}, ${storedAs(weights)} weights from ${sidecars.fileName}, built in the page (input: ${inputSource})`,
      seed: null,
      init: null,
      checkpointSha256: null,
    },
    trained: true,
    input,
    labels,
    taps,
    exporter: { torch: '', torchvision: '', onnx: `${BUILDER_NAME} (opset ${OPSET})`, command: '' },
    derived: { producer: BUILDER_NAME, dynamicSize: false, labelsSource },
  };
  // A downloaded .onnx describes itself: labels where the app's foreign-model loader reads them
  // (deriveManifest's labelsFromMetadata), and the manifest (less its file facts) for tools.
  const metadata: Record<string, string> = { [MANIFEST_METADATA_KEY]: JSON.stringify(described) };
  if (labels.length > 0) metadata.labels = JSON.stringify(labels);
  const onnx = encodeOnnx({ ...built.graph, metadata }, BUILDER_NAME);
  const file = { name: sidecars.fileName.replace(/\.[^.]*$/, '') + '.onnx', bytes: onnx.byteLength, sha256: '', fp16Weights: false, opset: OPSET };
  return { onnx, manifest: { ...described, file } };
}
