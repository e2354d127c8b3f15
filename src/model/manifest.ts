/**
 * The manifest that model/export.py writes beside every model.onnx.
 * Schema documented in model/README.md; this file is the app's typed view of it
 * and its validator. Keep the two in step.
 */

export type TapKind = 'conv' | 'norm' | 'depthwise' | 'gelu' | 'block' | 'downsample' | 'pool' | 'logits';

export const TAP_KINDS: readonly TapKind[] = ['conv', 'norm', 'depthwise', 'gelu', 'block', 'downsample', 'pool', 'logits'];

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
  receptiveField: ReceptiveField;
  /** One plain-English sentence for students. */
  description: string;
}

export interface InputSpec {
  /** Graph input name. */
  name: string;
  layout: 'NCHW';
  /** Full graph input shape, batch included: [1, 3, size, size]. */
  shape: [number, number, number, number];
  /** Shorter side is resized to this (torchvision Resize(int)), then centre-cropped to cropSize. */
  resizeSize: number;
  cropSize: number;
  interpolation: 'bilinear';
  /** Per-channel RGB mean and std applied after scaling pixels to [0, 1]. */
  mean: [number, number, number];
  std: [number, number, number];
}

export interface WeightsInfo {
  source: 'seeded' | 'torchvision' | 'checkpoint';
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
}
