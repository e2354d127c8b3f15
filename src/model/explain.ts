/**
 * A short paragraph a student can read for each tap, built from the manifest's facts
 * (kind, stage, shape, receptive field) so the numbers always match the loaded model.
 */
import type { Manifest, Tap } from './manifest';
import { stageLabel } from './taps';

function shapeText(shape: readonly number[]): string {
  return shape.length === 3 ? `${shape[0]} channels of ${shape[1]}×${shape[2]}` : `${shape[0]} numbers`;
}

/** Channels of the map that feeds this tap: the nearest earlier tap in the manifest that is not inside a block. */
function previousChannels(manifest: Manifest, tap: Tap): number | null {
  const i = manifest.taps.findIndex((t) => t.name === tap.name);
  for (let k = i - 1; k >= 0; k--) {
    const t = manifest.taps[k]!;
    if (t.kind === 'block' || t.kind === 'norm' || t.kind === 'conv') return t.shape[0] ?? null;
  }
  return null;
}

/** Channels a block of this stage keeps between blocks (the stage's width). */
function stageWidth(manifest: Manifest, stage: number): number | null {
  return manifest.taps.find((t) => t.stage === stage && t.kind === 'block')?.shape[0] ?? null;
}

function fieldText(tap: Tap, cropSize: number): string {
  if (!tap.receptiveField) return '';
  const { size, stride } = tap.receptiveField;
  const seen =
    size >= cropSize
      ? `a ${size}×${size}-pixel field, larger than the whole ${cropSize}×${cropSize} photo (what lies outside it is zero padding)`
      : `a ${size}×${size}-pixel patch of the ${cropSize}×${cropSize} photo`;
  return `Each position sees ${seen}; neighbouring positions are ${stride} pixels apart.`;
}

/** Foreign models: what the ONNX op does, without ConvNeXt-specific claims, and the receptive field when the graph gave one. */
function explainDerivedTap(tap: Tap, cropSize: number): string {
  const field = fieldText(tap, cropSize);
  const text = explainDerivedOp(tap);
  return field ? `${text} ${field}` : text;
}

function explainDerivedOp(tap: Tap): string {
  const [c = 0, h = 0, w = 0] = tap.shape;
  const op = tap.op ? ` (ONNX ${tap.op}${tap.node ? `, node ${tap.node}` : ''})` : '';
  const shape = `${c} channels on a ${h}×${w} grid`;
  switch (tap.kind) {
    case 'conv':
      return `A convolution${op}: each of its ${c} learned filters slides over the previous maps and responds where its pattern appears, giving ${shape}.`;
    case 'activation':
      return `An activation function${op}: it bends each value on its own (for example ReLU sets negatives to zero), so the network can combine features non-linearly. ${shape}.`;
    case 'norm':
      return `A normalisation${op}: it rescales values to a steady range per channel (batch norm uses statistics learned in training). ${shape}.`;
    case 'add':
      return `A residual addition${op}: a block's output is added to its input, so each block refines what came before. ${shape}.`;
    case 'pool':
      return `Pooling${op}: it summarises neighbouring positions (or the whole map) into fewer numbers. ${shape}.`;
    case 'depthwise':
      return `A depthwise convolution${op}: each of the ${c} channels has its own filter, which mixes neighbouring positions but never channels. ${shape}.`;
    case 'downsample':
      return `A downsampling convolution${op}: it shrinks the grid to ${h}×${w} and changes the number of channels to ${c}. ${shape}.`;
    case 'logits':
      return tap.description;
    case 'block':
      return `A block's output${op}: the block's update is added back onto its input (a residual connection), so each block refines what came before. ${shape}.`;
    default:
      return `${tap.description}${op}. ${shape}.`;
  }
}

export function explainTap(manifest: Manifest, tap: Tap): string {
  if (manifest.derived || !tap.receptiveField) return explainDerivedTap(tap, manifest.input.cropSize);
  const crop = manifest.input.cropSize;
  const [c = 0, h = 0, w = 0] = tap.shape;
  const where = tap.block === null ? stageLabel(tap.stage) : `block ${tap.block} of ${stageLabel(tap.stage).toLowerCase()}`;
  const field = fieldText(tap, crop);
  switch (tap.kind) {
    case 'conv': {
      const { size, stride } = tap.receptiveField;
      return `The stem is a ${size}×${size} convolution with stride ${stride} ("patchify"): it cuts the ${crop}×${crop} photo into non-overlapping ${size}×${size}-pixel patches and describes each patch with ${c} numbers, one per learned filter. The result is ${shapeText(tap.shape)}: a ${h}×${w} grid of patches. Each filter looks at colour and simple edges inside its patch. ${field}`;
    }
    case 'norm':
      return `LayerNorm rescales the ${c} numbers at every grid position to zero mean and unit spread, then applies a learned scale and shift per channel. It does not mix positions; it keeps values in a range the next layers handle well. Shape stays ${shapeText(tap.shape)}. ${field}`;
    case 'depthwise':
      return `A 7×7 depthwise convolution, the first step of ${where}: every one of the ${c} channels gets its own 7×7 filter that slides over the ${h}×${w} grid, so it mixes neighbouring positions but never channels. Seven grid steps span ${7 * tap.receptiveField.stride} pixels, which is how the field grows block by block. Output: ${shapeText(tap.shape)}. ${field}`;
    case 'gelu': {
      const width = stageWidth(manifest, tap.stage);
      const factor = width ? c / width : 4;
      return `Inside ${where}, after LayerNorm a 1×1 convolution expands each position's ${width ?? c / 4} channels ${factor}× to ${c}, and GELU (a smooth ReLU) lets mostly positive responses through: these ${c} are the block's detectors. The next 1×1 convolution projects them back to ${width ?? c / 4}. Output here: ${shapeText(tap.shape)}. ${field}`;
    }
    case 'block':
      return `The output of ${where}: the residual connection adds the block's contribution (depthwise 7×7, LayerNorm, 4× expansion with GELU, projection, layer scale) to its input, so each block only refines what came before and the original signal can flow straight through. Shape: ${shapeText(tap.shape)}. ${field}`;
    case 'downsample': {
      const before = previousChannels(manifest, tap);
      return `Downsampling into ${stageLabel(tap.stage).toLowerCase()}: LayerNorm, then a 2×2 convolution with stride 2 halves the grid to ${h}×${w} and changes the channels from ${before ?? '?'} to ${c}. Fewer positions, more channels: the network trades "where" for "what". ${field}`;
    }
    case 'pool':
      return `Global average pooling turns each of the ${c} final maps into one number, its mean over all positions. From here on there is no "where" any more, only how strongly each feature is present in the photo.`;
    case 'logits':
      return `The head normalises the pooled features and a linear layer turns them into ${c} scores, one per class; softmax of these scores gives the predictions.`;
    case 'activation':
    case 'add':
    case 'other':
      return explainDerivedTap(tap, crop);
    default: {
      const never: never = tap.kind;
      return `Tap kind ${String(never)}.`;
    }
  }
}
