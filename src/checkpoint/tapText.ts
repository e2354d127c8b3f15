/** One plain-English sentence per checkpoint-built tap, from its geometry (convnextGraph.ts), for students. */
import type { TapGeometry } from './convnextGraph';

const ORDINAL = ['first', 'second', 'third', 'fourth', 'fifth', 'sixth'];

function stageName(stage: number): string {
  return `stage ${stage}`;
}

function field(t: TapGeometry, crop: number): string {
  const { size, stride } = t.receptiveField;
  const seen = size >= crop ? `a ${size}×${size}-pixel window (more than the whole ${crop}×${crop} photo)` : `a ${size}×${size}-pixel window of the ${crop}×${crop} photo`;
  return `each position sees ${seen}, ${stride} pixels from its neighbours`;
}

export interface TextContext {
  crop: number;
  /** Channels of the map that fed the current stage's downsampling, for "from 40 to 80". */
  previousWidth: number | null;
  blockWidth: number;
}

export function describeTap(t: TapGeometry, ctx: TextContext): string {
  const [c = 0, h = 0] = t.shape;
  const where = t.block === null ? '' : `block ${t.block} of ${stageName(t.stage)}`;
  const cl = t.channelsLast ? ' (computed channels-last, shown as C×H×W)' : '';
  switch (t.role) {
    case 'dwconv':
      return `${where[0]!.toUpperCase()}${where.slice(1)} slides its own ${t.kernel ?? 7}×${t.kernel ?? 7} filter over each of the ${c} channels separately, mixing neighbouring positions but never channels; ${field(t, ctx.crop)}.`;
    case 'norm':
      return `Inside ${where}, layer normalisation rescales the ${c} channels at every position to zero mean and unit variance, then applies its learned scale and shift${cl}.`;
    case 'fc1':
      return `Inside ${where}, a linear layer (a 1×1 convolution) expands each position's ${ctx.blockWidth} channels into ${c} detectors, the same weights at every position${cl}.`;
    case 'act':
      return `Inside ${where}, GELU keeps the ${c} detectors' positive evidence and squashes negative values toward zero${cl}.`;
    case 'grn':
      return `Inside ${where}, Global Response Normalisation (ConvNeXt V2) weighs each of the ${c} detectors by how strongly it responds over the whole photo compared with the others, so detectors compete${cl}.`;
    case 'fc2':
      return `Inside ${where}, a second linear layer projects the detectors back to ${c} channels: the block's update, ${t.layerScale ? 'which is scaled (layer scale) and then added' : 'which is then added'} to the block's input${cl}.`;
    default:
      break;
  }
  switch (t.kind) {
    case 'conv':
      return `The stem convolution cuts the photo into non-overlapping ${t.receptiveField.size}×${t.receptiveField.size}-pixel patches and describes each one with ${c} numbers, giving a ${h}×${h} grid of patch features.`;
    case 'norm':
      if (t.shape[1] === 1) return `The head's layer normalisation rescales the ${c} pooled features to zero mean and unit variance before the classifier reads them.`;
      if (t.stage === 0) return `Layer normalisation rescales the ${c} stem channels at every grid position to zero mean and unit variance, so overall brightness matters less than the pattern inside each patch.`;
      return `Before ${stageName(t.stage)}, layer normalisation evens out the ${c} channels at every position, so the downsampling convolution that follows sees steady values.`;
    case 'downsample':
      return `Before ${stageName(t.stage)}, a stride-2 convolution halves the grid to ${h}×${h} and changes the channel count${ctx.previousWidth ? ` from ${ctx.previousWidth}` : ''} to ${c}; ${field(t, ctx.crop)}.`;
    case 'block':
      return `The output of ${where} (the ${ORDINAL[t.stage - 1] ?? `${t.stage}th`} stage): the block's update is added back onto its input (a residual connection), giving ${c} maps of ${h}×${h}; ${field(t, ctx.crop)}.`;
    case 'pool':
      return `Global average pooling boils each of the ${c} final maps down to one number, a summary of the whole photo that no longer says where anything was.`;
    case 'logits':
      return `The classifier turns the normalised features into one score per class (${c} classes); softmax turns these scores into the probabilities shown.`;
    default:
      return `Output of ${t.name}.`;
  }
}
