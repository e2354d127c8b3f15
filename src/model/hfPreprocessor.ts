/**
 * A Hugging Face `preprocessor_config.json`, read the way transformers' (slow, PIL)
 * image processors use it, turned into the app's own preprocessing description
 * (the resize/crop/normalise fields of InputSpec). Pure: no fetching, no DOM.
 *
 * ConvNeXt (ConvNextImageProcessor / ConvNextFeatureExtractor), as its `resize` does:
 *   size.shortest_edge < 384: shorter side to int(shortest_edge / crop_pct), then a centre
 *     crop of shortest_edge (offsets floor((size - crop) / 2), transformers' center_crop);
 *   size.shortest_edge >= 384: warp to shortest_edge × shortest_edge, no crop.
 * ViT-like processors: size {height, width} warps (then do_center_crop/crop_size crops, as
 * DeiT does); size {shortest_edge} resizes the shorter side and crops.
 * resample 2 = bilinear, 3 = bicubic (PIL's antialiased filters, src/image/resize.ts);
 * do_rescale/rescale_factor and do_normalize/image_mean/image_std as transformers applies them.
 *
 * Anything else is refused with a PreprocessorConfigError that names the field, so the
 * app never guesses silently.
 */
import type { InputSpec, PreprocessConvention, ResizeInterpolation, ResizeMode } from './manifest';

/** The app's preprocessing description (InputSpec's resize/crop/normalise fields). */
export interface Preprocessing {
  resizeSize: number;
  cropSize: number;
  interpolation: ResizeInterpolation;
  resizeMode: ResizeMode;
  convention: PreprocessConvention;
  rescaleFactor: number;
  mean: [number, number, number];
  std: [number, number, number];
  /** Where it came from, for the UI: "ConvNextImageProcessor (preprocessor_config.json)". */
  source: string;
}

export class PreprocessorConfigError extends Error {
  constructor(
    /** The JSON field the app does not understand, e.g. "resample" or "size.longest_edge". */
    readonly field: string,
    message: string,
  ) {
    super(`preprocessor_config.json: ${message}`);
    this.name = 'PreprocessorConfigError';
  }
}

/** transformers' IMAGENET_STANDARD_MEAN/STD: the default of ConvNeXt's and ViT's processors. */
const STANDARD_MEAN: [number, number, number] = [0.5, 0.5, 0.5];
const STANDARD_STD: [number, number, number] = [0.5, 0.5, 0.5];
/** PILImageResampling values the app implements. */
const RESAMPLE: Record<number, ResizeInterpolation> = { 2: 'bilinear', 3: 'bicubic' };
const RESAMPLE_NAMES: Record<number, string> = { 0: 'nearest', 1: 'lanczos', 4: 'box', 5: 'hamming' };

const CONVNEXT_TYPES = new Set(['ConvNextImageProcessor', 'ConvNextImageProcessorFast', 'ConvNextFeatureExtractor']);
/** Processors whose `resample` default is bicubic (the others default to bilinear). */
const BICUBIC_BY_DEFAULT = /^(ConvNext|DeiT|Bit|Beit)/;
/** Processors whose preprocessing is resize (+ optional centre crop), rescale, normalise. */
const PLAIN_TYPES = new Set([
  'ViTImageProcessor', 'ViTImageProcessorFast', 'ViTFeatureExtractor',
  'DeiTImageProcessor', 'DeiTFeatureExtractor', 'BitImageProcessor', 'BeitImageProcessor',
  'MobileNetV1ImageProcessor', 'MobileNetV2ImageProcessor', 'MobileViTImageProcessor',
]);

/** Fields that change nothing for one RGB photo, or that are bookkeeping. */
const IGNORED = new Set([
  'image_processor_type', 'feature_extractor_type', 'processor_class', '_processor_class',
  'do_convert_rgb', 'data_format', 'input_data_format', 'return_tensors', 'default_to_square', 'device',
  'disable_grouping', 'do_reduce_labels', 'reduce_labels', 'model_input_names',
]);
const SHARED = ['do_resize', 'size', 'resample', 'do_rescale', 'rescale_factor', 'do_normalize', 'image_mean', 'image_std'];
const KNOWN_CONVNEXT = new Set([...SHARED, 'crop_pct']);
const KNOWN_PLAIN = new Set([...SHARED, 'do_center_crop', 'crop_size']);

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function bool(cfg: Json, key: string, fallback: boolean): boolean {
  const v = cfg[key];
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'boolean') throw new PreprocessorConfigError(key, `"${key}" should be true or false, not ${JSON.stringify(v)}.`);
  return v;
}

function positive(cfg: Json, key: string, fallback: number): number {
  const v = cfg[key];
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'number' || !(v > 0) || !Number.isFinite(v)) throw new PreprocessorConfigError(key, `"${key}" should be a positive number, not ${JSON.stringify(v)}.`);
  return v;
}

function triple(cfg: Json, key: string, fallback: [number, number, number], positiveOnly: boolean): [number, number, number] {
  const v = cfg[key];
  if (v === undefined || v === null) return [...fallback];
  // transformers accepts one float for every channel.
  const list = typeof v === 'number' ? [v, v, v] : v;
  const ok = Array.isArray(list) && list.length === 3 && list.every((x) => typeof x === 'number' && Number.isFinite(x) && (!positiveOnly || x > 0));
  if (!ok) {
    throw new PreprocessorConfigError(key, `"${key}" should be three ${positiveOnly ? 'positive ' : ''}numbers (R, G, B), not ${JSON.stringify(v)}.`);
  }
  return list as [number, number, number];
}

function sideOf(v: unknown, field: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) throw new PreprocessorConfigError(field, `"${field}" should be a positive whole number, not ${JSON.stringify(v)}.`);
  return v;
}

type Size = { shortestEdge: number } | { square: number };

/**
 * transformers' get_size_dict: an int means shortest_edge (default_to_square=False, the
 * ConvNeXt rule) or a square (ViT's default_to_square=True); a dict is taken as it is.
 */
function readSize(v: unknown, field: string, intIsShortestEdge: boolean): Size {
  if (typeof v === 'number') {
    const n = sideOf(v, field);
    return intIsShortestEdge ? { shortestEdge: n } : { square: n };
  }
  if (!isObject(v)) throw new PreprocessorConfigError(field, `"${field}" should be a number or {"shortest_edge": n} or {"height": h, "width": w}, not ${JSON.stringify(v)}.`);
  for (const key of Object.keys(v)) {
    if (key !== 'shortest_edge' && key !== 'height' && key !== 'width') {
      throw new PreprocessorConfigError(`${field}.${key}`, `"${field}.${key}" is not supported (only shortest_edge, or height and width).`);
    }
  }
  if ('shortest_edge' in v) {
    if ('height' in v || 'width' in v) throw new PreprocessorConfigError(field, `"${field}" mixes shortest_edge with height/width.`);
    return { shortestEdge: sideOf(v.shortest_edge, `${field}.shortest_edge`) };
  }
  const h = sideOf(v.height, `${field}.height`);
  const w = sideOf(v.width, `${field}.width`);
  if (h !== w) throw new PreprocessorConfigError(field, `"${field}" is ${h}×${w}; ConvLens shows square inputs only.`);
  return { square: h };
}

function processorType(cfg: Json): string {
  const t = cfg.image_processor_type ?? cfg.feature_extractor_type;
  if (typeof t !== 'string') {
    throw new PreprocessorConfigError('image_processor_type', 'it names no image processor ("image_processor_type" or "feature_extractor_type").');
  }
  if (!CONVNEXT_TYPES.has(t) && !PLAIN_TYPES.has(t)) {
    throw new PreprocessorConfigError('image_processor_type', `ConvLens does not know the image processor "${t}" (it reads ConvNeXt- and ViT-style processors).`);
  }
  return t;
}

/** The app's preprocessing for a parsed preprocessor_config.json; throws PreprocessorConfigError naming the field it cannot follow. */
export function readPreprocessorConfig(json: unknown): Preprocessing {
  if (!isObject(json)) throw new PreprocessorConfigError('(file)', 'the file is not a JSON object.');
  const type = processorType(json);
  const convnext = CONVNEXT_TYPES.has(type);
  const known = convnext ? KNOWN_CONVNEXT : KNOWN_PLAIN;
  for (const key of Object.keys(json)) {
    if (!known.has(key) && !IGNORED.has(key)) throw new PreprocessorConfigError(key, `ConvLens does not understand the field "${key}" of ${type}.`);
  }
  if (!bool(json, 'do_resize', true)) throw new PreprocessorConfigError('do_resize', '"do_resize" is false: the photo would go in at its own size, which a fixed-size network cannot take.');
  if (json.do_convert_rgb === false) throw new PreprocessorConfigError('do_convert_rgb', '"do_convert_rgb" is false; ConvLens always feeds RGB.');

  const resampleRaw = json.resample ?? (BICUBIC_BY_DEFAULT.test(type) ? 3 : 2);
  const interpolation = typeof resampleRaw === 'number' ? RESAMPLE[resampleRaw] : undefined;
  if (!interpolation) {
    const name = typeof resampleRaw === 'number' ? RESAMPLE_NAMES[resampleRaw] : undefined;
    throw new PreprocessorConfigError('resample', `"resample": ${JSON.stringify(resampleRaw)}${name ? ` (${name})` : ''} is not supported; ConvLens implements 2 (bilinear) and 3 (bicubic).`);
  }

  const doRescale = bool(json, 'do_rescale', true);
  const rescaleFactor = doRescale ? positive(json, 'rescale_factor', 1 / 255) : 1;
  const doNormalise = bool(json, 'do_normalize', true);
  const mean = doNormalise ? triple(json, 'image_mean', STANDARD_MEAN, false) : ([0, 0, 0] as [number, number, number]);
  const std = doNormalise ? triple(json, 'image_std', STANDARD_STD, true) : ([1, 1, 1] as [number, number, number]);

  const geometry = convnext ? convnextGeometry(json) : plainGeometry(json);
  return { ...geometry, interpolation, convention: 'transformers', rescaleFactor, mean, std, source: `${type} (preprocessor_config.json)` };
}

type Geometry = Pick<Preprocessing, 'resizeSize' | 'cropSize' | 'resizeMode'>;

/** ConvNextImageProcessor.resize: crop_pct below 384, warp from 384 up. */
function convnextGeometry(cfg: Json): Geometry {
  const size = readSize(cfg.size ?? { shortest_edge: 384 }, 'size', true);
  if ('square' in size) return { resizeSize: size.square, cropSize: size.square, resizeMode: 'warp' };
  const edge = size.shortestEdge;
  if (edge >= 384) return { resizeSize: edge, cropSize: edge, resizeMode: 'warp' };
  const cropPct = cfg.crop_pct ?? 224 / 256;
  if (typeof cropPct !== 'number' || !(cropPct > 0) || cropPct > 1) {
    throw new PreprocessorConfigError('crop_pct', `"crop_pct" should be a number in (0, 1], not ${JSON.stringify(cfg.crop_pct)}.`);
  }
  // Python's int(shortest_edge / crop_pct): a float64 division, truncated.
  return { resizeSize: Math.trunc(edge / cropPct), cropSize: edge, resizeMode: 'shorter' };
}

/** ViT-style: resize to size (square warp, or shorter side), then an optional centre crop. */
function plainGeometry(cfg: Json): Geometry {
  const size = readSize(cfg.size ?? { height: 224, width: 224 }, 'size', false);
  const crop = bool(cfg, 'do_center_crop', false) ? readSize(cfg.crop_size ?? { height: 224, width: 224 }, 'crop_size', false) : null;
  const cropSide = crop === null ? null : 'square' in crop ? crop.square : crop.shortestEdge;
  if ('square' in size) {
    if (cropSide !== null && cropSide > size.square) {
      throw new PreprocessorConfigError('crop_size', `a ${cropSide} crop of a ${size.square}×${size.square} image is not supported.`);
    }
    return { resizeSize: size.square, cropSize: cropSide ?? size.square, resizeMode: 'warp' };
  }
  if (cropSide === null) throw new PreprocessorConfigError('do_center_crop', 'a shortest_edge resize without a centre crop gives non-square inputs, which ConvLens cannot show.');
  return { resizeSize: size.shortestEdge, cropSize: cropSide, resizeMode: 'shorter' };
}

/** One line for the page: "bicubic resize of the shorter side to 256, centre crop 224 (transformers)". */
export function describePreprocessing(p: Pick<Preprocessing, 'resizeSize' | 'cropSize' | 'interpolation' | 'resizeMode' | 'convention'>): string {
  const crop = p.cropSize === p.resizeSize && p.resizeMode === 'warp' ? '' : `, centre crop ${p.cropSize}`;
  const how = p.resizeMode === 'warp' ? `${p.interpolation} resize of the whole photo to ${p.resizeSize}×${p.resizeSize}${crop}` : `${p.interpolation} resize of the shorter side to ${p.resizeSize}${crop}`;
  return `${how} (${p.convention})`;
}

/** The photo panel's sentence about what the model sees, for any manifest input. */
export function inputHint(input: InputSpec): string {
  if (input.convention !== 'transformers') {
    return `The model sees a ${input.cropSize}×${input.cropSize} centre crop after resizing the shorter side to ${input.resizeSize} px, exactly as torchvision does.`;
  }
  const p = { ...input, resizeMode: input.resizeMode ?? 'shorter', convention: input.convention };
  return `The model sees a ${input.cropSize}×${input.cropSize} input: ${describePreprocessing(p).replace(/ \(transformers\)$/, '')}, exactly as its Hugging Face image processor does (with PIL).`;
}
