/**
 * A Manifest for a foreign ONNX image model that came without one: input spec from
 * the graph's input, taps from graphTaps.ts with the dims learned from a first run,
 * grouped into stages by spatial size. Pure: the worker supplies the run's dims.
 */
import type { InputLayout, InputSpec, Manifest, ReceptiveField, Tap, TapKind } from './manifest';
import { assignStagesByName, isBlockOutput, isDownsampling } from './moduleStages';
import type { TapCandidate } from './graphTaps';
import type { OnnxSummary } from './onnxProto';
import type { Preprocessing } from './hfPreprocessor';
import { ONNX_FLOAT } from './onnxProto';

/** TensorProto.FLOAT16. */
const ONNX_FLOAT16 = 10;

/** A dynamic height/width becomes this, as most ImageNet models were trained at it. */
export const DEFAULT_DYNAMIC_SIZE = 224;

export interface NormalisationPreset {
  id: string;
  label: string;
  mean: [number, number, number];
  std: [number, number, number];
}

export const NORMALISATION_PRESETS: readonly NormalisationPreset[] = [
  { id: 'imagenet', label: 'ImageNet mean/std', mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] },
  { id: 'minus-one-one', label: '[-1, 1]', mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] },
  { id: 'zero-one', label: '[0, 1]', mean: [0, 0, 0], std: [1, 1, 1] },
];

export class ModelInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelInputError';
  }
}

export interface ImageInput {
  name: string;
  layout: InputLayout;
  /** Fixed square side, or null when height and width are dynamic. */
  size: number | null;
}

function dimText(d: number | string | null): string {
  return d === null ? '?' : String(d);
}

/** The model's image input: one float input [1|N, 3, H, W] or [1|N, H, W, 3]; throws ModelInputError otherwise. */
export function findImageInput(summary: OnnxSummary): ImageInput {
  const described = summary.inputs.map((i) => `"${i.name}" ${i.dims ? `[${i.dims.map(dimText).join(', ')}]` : '(no shape)'}`).join(', ');
  const need = 'ConvLens needs one float input shaped [1, 3, H, W] (NCHW) or [1, H, W, 3] (NHWC)';
  // optimum exports every axis as dynamic ([batch_size, num_channels, height, width]): with
  // neither axis 1 nor 3 fixed, the input is taken as PyTorch's NCHW.
  const channelsUnknown = (d: readonly (number | string | null)[]) => typeof d[1] !== 'number' && typeof d[3] !== 'number';
  const images = summary.inputs.filter((i) => i.dims?.length === 4 && (i.elemType === null || i.elemType === ONNX_FLOAT) && (i.dims[1] === 3 || i.dims[3] === 3 || channelsUnknown(i.dims)));
  const image = images[0];
  if (!image && summary.inputs.some((i) => i.elemType === ONNX_FLOAT16 && i.dims?.length === 4)) {
    throw new ModelInputError(`This model takes float16 input (${described}); ConvLens feeds float32. Use the float32 file, or an fp16 file that keeps float32 inputs and outputs (as transformers.js's model_fp16.onnx does).`);
  }
  if (!image || !image.dims) throw new ModelInputError(`This model has no image-like input: ${need}; it has ${described || 'no inputs'}.`);
  if (summary.inputs.length > 1) throw new ModelInputError(`This model has ${summary.inputs.length} inputs (${described}); ${need} and nothing else.`);
  const batch = image.dims[0];
  if (typeof batch === 'number' && batch !== 1) throw new ModelInputError(`The input "${image.name}" takes a batch of ${batch}; ConvLens feeds one photo at a time (batch 1 or dynamic).`);
  const layout: InputLayout = image.dims[1] === 3 || channelsUnknown(image.dims) ? 'NCHW' : 'NHWC';
  const [h, w] = layout === 'NCHW' ? [image.dims[2], image.dims[3]] : [image.dims[1], image.dims[2]];
  const fixedH = typeof h === 'number' ? h : null;
  const fixedW = typeof w === 'number' ? w : null;
  if (fixedH !== null && fixedW !== null && fixedH !== fixedW) {
    throw new ModelInputError(`The input "${image.name}" is ${fixedH}×${fixedW}; ConvLens shows square centre crops only.`);
  }
  return { name: image.name, layout, size: fixedH ?? fixedW };
}

/** torchvision's usual eval resize for a crop: 256 for 224 (crop = 87.5 % of the shorter side). */
export function resizeFor(crop: number): number {
  return Math.round(crop / 0.875);
}

export interface InputChoice {
  /** Side for a dynamic-size input (ignored when the size is fixed). */
  size?: number;
  /** A preset id, or 'custom' with mean and std. */
  normalisation?: string;
  mean?: [number, number, number];
  std?: [number, number, number];
  /**
   * Everything from a Hugging Face preprocessor_config.json (hfPreprocessor.ts): size, resize,
   * crop and normalisation. Takes precedence over size and normalisation.
   */
  preprocessing?: Preprocessing;
}

export function inputSpecFor(image: ImageInput, choice: InputChoice = {}): InputSpec {
  if (choice.preprocessing) return hubInputSpec(image, choice.preprocessing);
  const size = image.size ?? choice.size ?? DEFAULT_DYNAMIC_SIZE;
  const preset = NORMALISATION_PRESETS.find((p) => p.id === (choice.normalisation ?? 'imagenet'));
  const custom = choice.normalisation === 'custom' && choice.mean && choice.std;
  const mean = custom ? choice.mean! : (preset ?? NORMALISATION_PRESETS[0]!).mean;
  const std = custom ? choice.std! : (preset ?? NORMALISATION_PRESETS[0]!).std;
  if (std.some((s) => !(s > 0))) throw new ModelInputError('Every normalisation std must be a positive number.');
  return {
    name: image.name,
    layout: image.layout,
    shape: image.layout === 'NCHW' ? [1, 3, size, size] : [1, size, size, 3],
    resizeSize: resizeFor(size),
    cropSize: size,
    interpolation: 'bilinear',
    mean: [...mean],
    std: [...std],
    normalisation: custom ? 'custom' : (preset ?? NORMALISATION_PRESETS[0]!).id,
  };
}

/** InputSpec.normalisation of an input read from a Hugging Face preprocessor_config.json. */
export const REPO_PREPROCESSING = 'preprocessor_config.json';

/** The input is the repo's own pipeline (bicubic, crop_pct, rescale): no preset may replace it. */
export function inputFromRepo(input: Pick<InputSpec, 'normalisation'>): boolean {
  return input.normalisation === REPO_PREPROCESSING;
}

function hubInputSpec(image: ImageInput, p: Preprocessing): InputSpec {
  if (image.size !== null && image.size !== p.cropSize) {
    throw new ModelInputError(`preprocessor_config.json gives ${p.cropSize}×${p.cropSize} inputs, but the model's input "${image.name}" is ${image.size}×${image.size}.`);
  }
  const size = p.cropSize;
  return {
    name: image.name,
    layout: image.layout,
    shape: image.layout === 'NCHW' ? [1, 3, size, size] : [1, size, size, 3],
    resizeSize: p.resizeSize,
    cropSize: size,
    interpolation: p.interpolation,
    resizeMode: p.resizeMode,
    convention: p.convention,
    rescaleFactor: p.rescaleFactor,
    mean: [...p.mean],
    std: [...p.std],
    normalisation: REPO_PREPROCESSING,
  };
}

/**
 * Stage of each map tap by spatial size: a new stage starts whenever the size changes.
 * 1×1 maps (a squeeze-excitation's pooled vector, the final global pool) stay in the
 * current stage, so they do not break a stage into pieces.
 */
export function assignStages(shapes: readonly (readonly number[])[]): { stage: number; group: string }[] {
  let stage = 0;
  let current: string | null = null;
  return shapes.map((shape) => {
    const h = shape[1] ?? 1;
    const w = shape[2] ?? 1;
    const size = `${h}×${w}`;
    if (current === null || (h * w > 1 && size !== current)) {
      stage++;
      current = size;
    }
    return { stage, group: `Stage ${stage} · ${current}` };
  });
}

export function labelsFromMetadata(metadata: Record<string, string>): string[] | null {
  for (const key of ['labels', 'classes', 'class_names', 'names']) {
    const raw = metadata[key];
    if (!raw) continue;
    try {
      const parsed: unknown = JSON.parse(raw);
      if (Array.isArray(parsed) && parsed.every((l) => typeof l === 'string')) return parsed as string[];
      // {"0": "tench", "1": "goldfish"} as some exporters write it
      if (parsed && typeof parsed === 'object') {
        const entries = Object.entries(parsed as Record<string, unknown>);
        if (entries.every(([k, v]) => /^\d+$/.test(k) && typeof v === 'string')) {
          const out: string[] = [];
          for (const [k, v] of entries) out[Number(k)] = v as string;
          return Array.from(out, (l, i) => l ?? `class ${i}`);
        }
      }
    } catch {
      return parseLabelsText(raw.includes('\n') ? raw : raw.replaceAll(',', '\n'));
    }
  }
  return null;
}

/** One label per line (labels.txt); blank lines at the end ignored, "\r" tolerated. */
export function parseLabelsText(text: string): string[] {
  const lines = text.replaceAll('\r', '').split('\n');
  while (lines.length > 0 && lines.at(-1)!.trim() === '') lines.pop();
  return lines.map((l) => l.trim());
}

export interface DeriveInput {
  summary: OnnxSummary;
  fileName: string;
  bytes: number;
  sha256: string;
  image: ImageInput;
  input: InputSpec;
  candidates: readonly TapCandidate[];
  /** Dims (batch included) and type of every output of the first run. */
  outputs: ReadonlyMap<string, { dims: readonly number[]; type: string }>;
  /** Receptive field of each graph value (receptiveField.ts); taps without one show none. */
  fields?: ReadonlyMap<string, ReceptiveField>;
}

/** float16 maps (fp16 models) are shown too: the worker converts them to float32. */
function isFloat(type: string): boolean {
  return type === 'float32' || type === 'float16';
}

/** A coarse op kind made specific where the module path says more (ConvNeXt-style graphs). */
function refinedKind(c: TapCandidate, channels: number, named: boolean): TapKind {
  if (c.kind === 'conv' && c.group !== undefined && c.group === channels && channels > 1) return 'depthwise';
  if (!named) return c.kind;
  if (c.kind === 'conv' && isDownsampling(c.name)) return 'downsample';
  if (c.kind === 'add' && isBlockOutput(c.name)) return 'block';
  return c.kind;
}

const KIND_TEXT: Partial<Record<TapKind, string>> = {
  depthwise: 'A depthwise convolution: one filter per channel, mixing neighbouring positions but not channels',
  downsample: 'A downsampling convolution: it shrinks the grid and changes the number of channels',
  block: "A block's output: its update added back onto its input (a residual connection)",
  norm: 'A normalisation',
};

/** The manifest of a foreign model after its first run. Labels are filled in later (metadata here). */
export function deriveManifest(d: DeriveInput): Manifest {
  const maps = d.candidates.filter((c) => {
    const out = d.outputs.get(c.value);
    return out && isFloat(out.type) && out.dims.length === 4;
  });
  const shapes = maps.map((c) => d.outputs.get(c.value)!.dims.slice(1));
  const named = assignStagesByName(maps.map((c) => c.name), shapes);
  const stages = named ?? assignStages(shapes).map((s) => ({ ...s, block: null }));
  const taps: Tap[] = maps.map((c, i) => {
    const kind = refinedKind(c, shapes[i]![0] ?? 0, named !== null);
    const what = KIND_TEXT[kind];
    return {
      name: c.name,
      kind,
      stage: stages[i]!.stage,
      block: stages[i]!.block,
      shape: [...shapes[i]!],
      receptiveField: d.fields?.get(c.value) ?? null,
      description: what ? `${what} (ONNX node ${c.node || c.value}).` : `Output of ONNX node ${c.node || c.value} (${c.op}).`,
      output: c.value,
      node: c.node,
      op: c.op,
      group: stages[i]!.group,
    };
  });
  const head = d.summary.outputs.find((o) => {
    const out = d.outputs.get(o.name);
    return out && isFloat(out.type) && (out.dims.length === 2 ? out.dims[0] === 1 : out.dims.length === 1);
  });
  const metadataLabels = labelsFromMetadata(d.summary.metadata);
  let labels: string[] = [];
  if (head) {
    const classes = d.outputs.get(head.name)!.dims.at(-1)!;
    taps.push({
      name: head.name,
      kind: 'logits',
      stage: (stages.at(-1)?.stage ?? 0) + 1,
      block: null,
      shape: [classes],
      receptiveField: null,
      description: `The model's output "${head.name}": one score per class.`,
      group: 'Head',
    });
    if (metadataLabels?.length === classes) labels = metadataLabels;
  }
  if (taps.length === 0) throw new ModelInputError('No layer of this model produces an image-like map or class scores that ConvLens can show.');
  const base = d.fileName.replace(/\.onnx$/i, '');
  return {
    schemaVersion: 1,
    id: `file:${d.sha256.slice(0, 16)}`,
    displayName: d.fileName,
    arch: base,
    weights: { source: 'file', description: `from ${d.fileName}`, seed: null, init: null, checkpointSha256: null },
    // Unknown for a foreign file; assume someone trained it rather than warn wrongly.
    trained: true,
    input: d.input,
    labels,
    taps,
    file: { name: d.fileName, bytes: d.bytes, sha256: d.sha256, fp16Weights: false, opset: d.summary.opsets.find((o) => o.domain === '')?.version ?? 0 },
    exporter: { torch: d.summary.producer, torchvision: '', onnx: `IR ${d.summary.irVersion}`, command: '' },
    derived: {
      producer: d.summary.producer,
      dynamicSize: d.image.size === null,
      labelsSource: labels.length > 0 ? 'metadata' : 'none',
    },
  };
}
