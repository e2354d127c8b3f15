/**
 * The manifest that model/export.py writes beside every model.onnx.
 * Schema documented in model/README.md; this file is the app's typed view of it
 * and its validator. Keep the two in step.
 */

/** Kinds model/export.py writes. */
export type ExportedTapKind = 'conv' | 'norm' | 'depthwise' | 'gelu' | 'block' | 'downsample' | 'pool' | 'logits';
/** Kinds only a manifest derived from a foreign ONNX graph has (src/model/deriveManifest.ts). */
export type DerivedTapKind = 'activation' | 'add' | 'other';
export type TapKind = ExportedTapKind | DerivedTapKind;

/** The kinds a manifest file may use (parseManifest stays strict about them). */
export const TAP_KINDS: readonly ExportedTapKind[] = ['conv', 'norm', 'depthwise', 'gelu', 'block', 'downsample', 'pool', 'logits'];

export interface ReceptiveField {
  /** Side in input pixels of the square region one output position sees. */
  size: number;
  /** Input pixels between neighbouring output positions. */
  stride: number;
  /** Input pixel coordinate of the centre of output position 0 (may be fractional/negative). */
  offset: number;
}

export interface Tap {
  /** Graph output name == torchvision module path, e.g. "features.3.0.block.0"; or "avgpool", "logits". */
  name: string;
  kind: TapKind;
  /** 0 = stem, 1..4 = ConvNeXt stages (a downsampling layer belongs to the stage it feeds), 5 = head. */
  stage: number;
  /** Block index inside the stage, null for stem, downsample and head taps. */
  block: number | null;
  /** [C, H, W] for maps (pool is [C, 1, 1]); [numClasses] for logits. Batch dimension left out. */
  shape: number[];
  /** null for derived taps: a foreign graph's geometry is not analysed. */
  receptiveField: ReceptiveField | null;
  /** One plain-English sentence for students. */
  description: string;
  /** Derived taps only: the ONNX graph value to fetch when it differs from `name`. */
  output?: string;
  /** Derived taps only: the ONNX node that produces it and its op type. */
  node?: string;
  op?: string;
  /** Derived taps only: the layer picker's group label (e.g. "Stage 2 · 56×56"). */
  group?: string;
  /**
   * Checkpoint-built taps (src/checkpoint/): the module computes channels-last (N, H, W, C) in
   * its own library, and its output is shown (and downloaded) transposed to C×H×W.
   */
  channelsLast?: boolean;
}

export type InputLayout = 'NCHW' | 'NHWC';
export type ResizeInterpolation = 'bilinear' | 'bicubic';
export type ResizeMode = 'shorter' | 'warp';
export type PreprocessConvention = 'torchvision' | 'transformers';

export interface InputSpec {
  /** Graph input name. */
  name: string;
  /** Our exports are always NCHW; a foreign model may take NHWC (TensorFlow-style). */
  layout: InputLayout;
  /** Full graph input shape, batch included: [1, 3, size, size] (NCHW) or [1, size, size, 3] (NHWC). */
  shape: [number, number, number, number];
  /** Shorter side is resized to this (torchvision Resize(int)), then centre-cropped to cropSize. */
  resizeSize: number;
  cropSize: number;
  /** PIL's antialiased filter; exported models use bilinear, Hugging Face ConvNeXts bicubic. */
  interpolation: ResizeInterpolation;
  /**
   * 'shorter' (default): the shorter side to resizeSize, then a centre crop of cropSize.
   * 'warp': the whole photo squeezed to resizeSize × resizeSize (aspect ratio not kept), then
   * the centre crop (none when resizeSize == cropSize).
   */
  resizeMode?: ResizeMode;
  /**
   * Whose rounding and arithmetic to reproduce (default 'torchvision'):
   * torchvision: crop offset round-half-even((size - crop) / 2), pixels float32(b) / 255;
   * transformers: crop offset floor((size - crop) / 2), pixels float32(float64(b) * rescaleFactor).
   */
  convention?: PreprocessConvention;
  /** transformers' rescale_factor (1/255, or 1 when do_rescale is false); only with convention 'transformers'. */
  rescaleFactor?: number;
  /** Per-channel RGB mean and std applied after scaling pixels to [0, 1]. */
  mean: [number, number, number];
  std: [number, number, number];
  /** Derived manifests: which normalisation preset mean/std came from ('custom' when typed in). */
  normalisation?: string;
}

export interface WeightsInfo {
  /** 'file': a foreign ONNX file; what its weights are is unknown. */
  source: 'seeded' | 'torchvision' | 'checkpoint' | 'file';
  /** Human-readable provenance: "untrained, seed 0", "torchvision IMAGENET1K_V1", "checkpoint sha256 ab12…". */
  description: string;
  seed: number | null;
  /** Initialisation used for seeded models (why block contributions are visible); null otherwise. */
  init: string | null;
  /** sha256 of the checkpoint file for source "checkpoint"; null otherwise. */
  checkpointSha256: string | null;
}

export interface ModelFileInfo {
  /** File name relative to the manifest, "model.onnx". */
  name: string;
  bytes: number;
  sha256: string;
  fp16Weights: boolean;
  opset: number;
}

export interface Manifest {
  schemaVersion: 1;
  /** Stable id, also the folder name under public/models/. */
  id: string;
  displayName: string;
  /** "convnext_atto" | "convnext_tiny" | "convnext_small" | "convnext_base" | "convnext_large". */
  arch: string;
  weights: WeightsInfo;
  trained: boolean;
  input: InputSpec;
  labels: string[];
  taps: Tap[];
  file: ModelFileInfo;
  /** Versions and command line that produced the file. */
  exporter: { torch: string; torchvision: string; onnx: string; command: string };
  /** Present when the app derived this manifest from a foreign ONNX graph (no manifest.json). */
  derived?: DerivedInfo;
  /**
   * What this network cannot do, in plain words (e.g. "This network only knows 8 drawn
   * shapes … It has never seen a photo."). Shown instead of the untrained warning.
   */
  limitation?: string;
  /** How a model trained here was trained (model/train_shapes.py's record, via export.py --train-record). */
  training?: TrainingInfo;
}

export interface TrainingInfo {
  command: string;
  seed: number;
  torch: string;
  wallSeconds: number;
  /** Fraction (0..1) of held-out pictures classified right, judged at the app's input size. */
  heldOutAccuracy: number;
  heldOutCount: number;
}

export interface DerivedInfo {
  /** The ONNX producer, e.g. "pytorch 1.13.0". */
  producer: string;
  /** The input's height/width are dynamic axes: `input.cropSize` was chosen, and can be changed. */
  dynamicSize: boolean;
  /** 'config': a Hugging Face repo's config.json id2label; 'food101': a 101-way checkpoint head given Food-101's names. */
  labelsSource: 'metadata' | 'file' | 'imagenet' | 'config' | 'food101' | 'none';
}
