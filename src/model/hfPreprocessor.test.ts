import { describe, expect, it } from 'vitest';
import { describePreprocessing, inputHint, PreprocessorConfigError, readPreprocessorConfig } from './hfPreprocessor';
import { inputSpecFor, ModelInputError } from './deriveManifest';

const IMAGENET = { image_mean: [0.485, 0.456, 0.406], image_std: [0.229, 0.224, 0.225] };

/** facebook/convnext-tiny-224's file (the older feature-extractor form, size as an int). */
const CONVNEXT_OLD = { crop_pct: 0.875, do_normalize: true, do_resize: true, feature_extractor_type: 'ConvNextFeatureExtractor', ...IMAGENET, resample: 3, size: 224 };
/** The same, as a recent transformers saves it. */
const CONVNEXT_NEW = {
  crop_pct: 0.875, do_normalize: true, do_rescale: true, do_resize: true, image_processor_type: 'ConvNextImageProcessor',
  ...IMAGENET, resample: 3, rescale_factor: 0.00392156862745098, size: { shortest_edge: 224 },
};

function fieldOf(cfg: unknown): string {
  try {
    readPreprocessorConfig(cfg);
  } catch (e) {
    if (e instanceof PreprocessorConfigError) return e.field;
    throw e;
  }
  return '(accepted)';
}

describe('readPreprocessorConfig: ConvNeXt', () => {
  it('reads the old int form: shorter side to int(224 / 0.875) = 256, bicubic, crop 224', () => {
    const p = readPreprocessorConfig(CONVNEXT_OLD);
    expect(p).toMatchObject({ resizeSize: 256, cropSize: 224, interpolation: 'bicubic', resizeMode: 'shorter', convention: 'transformers', mean: IMAGENET.image_mean, std: IMAGENET.image_std });
    expect(p.rescaleFactor).toBe(1 / 255);
    expect(p.source).toBe('ConvNextFeatureExtractor (preprocessor_config.json)');
  });

  it('reads the dict form the same way', () => {
    const { source, ...p } = readPreprocessorConfig(CONVNEXT_NEW);
    const { source: _s, ...q } = readPreprocessorConfig(CONVNEXT_OLD);
    expect(p).toEqual(q);
    expect(source).toContain('ConvNextImageProcessor');
  });

  it('truncates shortest_edge / crop_pct as Python int() does, and defaults crop_pct to 224/256', () => {
    expect(readPreprocessorConfig({ ...CONVNEXT_NEW, size: { shortest_edge: 288 }, crop_pct: 0.95 }).resizeSize).toBe(303); // 303.157...
    expect(readPreprocessorConfig({ ...CONVNEXT_NEW, size: { shortest_edge: 160 }, crop_pct: 0.9 }).resizeSize).toBe(177); // 177.77...
    const { crop_pct: _c, ...noPct } = CONVNEXT_NEW;
    expect(readPreprocessorConfig({ ...noPct, size: { shortest_edge: 200 } }).resizeSize).toBe(228); // 200 / 0.875 = 228.57
    expect(readPreprocessorConfig({ ...CONVNEXT_NEW, crop_pct: null }).resizeSize).toBe(256);
  });

  it('warps to a square from 384 up (no crop), and for {height, width}', () => {
    expect(readPreprocessorConfig({ ...CONVNEXT_NEW, size: { shortest_edge: 384 } })).toMatchObject({ resizeSize: 384, cropSize: 384, resizeMode: 'warp' });
    expect(readPreprocessorConfig({ ...CONVNEXT_NEW, size: 512 })).toMatchObject({ resizeSize: 512, cropSize: 512, resizeMode: 'warp' });
    expect(readPreprocessorConfig({ ...CONVNEXT_NEW, size: { height: 224, width: 224 } })).toMatchObject({ resizeSize: 224, cropSize: 224, resizeMode: 'warp' });
  });

  it("uses transformers' defaults: shortest_edge 384, bicubic, mean/std 0.5, rescale 1/255", () => {
    const p = readPreprocessorConfig({ image_processor_type: 'ConvNextImageProcessor' });
    expect(p).toMatchObject({ resizeSize: 384, cropSize: 384, resizeMode: 'warp', interpolation: 'bicubic', mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] });
  });

  it('follows resample 2 (bilinear), do_rescale, rescale_factor, do_normalize and a single-number mean/std', () => {
    expect(readPreprocessorConfig({ ...CONVNEXT_NEW, resample: 2 }).interpolation).toBe('bilinear');
    expect(readPreprocessorConfig({ ...CONVNEXT_NEW, do_rescale: false }).rescaleFactor).toBe(1);
    expect(readPreprocessorConfig({ ...CONVNEXT_NEW, rescale_factor: 0.5 }).rescaleFactor).toBe(0.5);
    expect(readPreprocessorConfig({ ...CONVNEXT_NEW, do_normalize: false })).toMatchObject({ mean: [0, 0, 0], std: [1, 1, 1] });
    expect(readPreprocessorConfig({ ...CONVNEXT_NEW, image_mean: 0.5, image_std: 0.25 })).toMatchObject({ mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25] });
  });

  it('ignores bookkeeping fields', () => {
    expect(fieldOf({ ...CONVNEXT_NEW, processor_class: 'ConvNextImageProcessor', do_convert_rgb: true, data_format: 'channels_first' })).toBe('(accepted)');
  });
});

describe('readPreprocessorConfig: ViT-style processors', () => {
  it('warps {height, width} with bilinear by default', () => {
    const p = readPreprocessorConfig({ image_processor_type: 'ViTImageProcessor', size: { height: 224, width: 224 }, do_normalize: true, image_mean: [0.5, 0.5, 0.5], image_std: [0.5, 0.5, 0.5] });
    expect(p).toMatchObject({ resizeSize: 224, cropSize: 224, resizeMode: 'warp', interpolation: 'bilinear' });
  });

  it('warps then crops (DeiT: 256 -> 224, bicubic by default)', () => {
    const p = readPreprocessorConfig({ image_processor_type: 'DeiTImageProcessor', size: { height: 256, width: 256 }, do_center_crop: true, crop_size: { height: 224, width: 224 } });
    expect(p).toMatchObject({ resizeSize: 256, cropSize: 224, resizeMode: 'warp', interpolation: 'bicubic' });
    expect(describePreprocessing(p)).toBe('bicubic resize of the whole photo to 256×256, centre crop 224 (transformers)');
  });

  it('resizes the shorter side then crops (BiT)', () => {
    const p = readPreprocessorConfig({ image_processor_type: 'BitImageProcessor', size: { shortest_edge: 256 }, do_center_crop: true, crop_size: { height: 224, width: 224 }, resample: 3 });
    expect(p).toMatchObject({ resizeSize: 256, cropSize: 224, resizeMode: 'shorter', interpolation: 'bicubic' });
    expect(describePreprocessing(p)).toBe('bicubic resize of the shorter side to 256, centre crop 224 (transformers)');
  });
});

describe('readPreprocessorConfig: what it refuses, by field', () => {
  const cases: [string, unknown, string][] = [
    ['an unknown field', { ...CONVNEXT_NEW, do_pad: true }, 'do_pad'],
    ['an unknown processor', { image_processor_type: 'CLIPImageProcessor' }, 'image_processor_type'],
    ['no processor type', { size: 224 }, 'image_processor_type'],
    ['lanczos', { ...CONVNEXT_NEW, resample: 1 }, 'resample'],
    ['nearest', { ...CONVNEXT_NEW, resample: 0 }, 'resample'],
    ['a resample name', { ...CONVNEXT_NEW, resample: 'bicubic' }, 'resample'],
    ['longest_edge', { ...CONVNEXT_NEW, size: { longest_edge: 224 } }, 'size.longest_edge'],
    ['a non-square size', { ...CONVNEXT_NEW, size: { height: 224, width: 256 } }, 'size'],
    ['a fractional size', { ...CONVNEXT_NEW, size: { shortest_edge: 224.5 } }, 'size.shortest_edge'],
    ['crop_pct above 1', { ...CONVNEXT_NEW, crop_pct: 1.2 }, 'crop_pct'],
    ['two means', { ...CONVNEXT_NEW, image_mean: [0.5, 0.5] }, 'image_mean'],
    ['a zero std', { ...CONVNEXT_NEW, image_std: [0.2, 0, 0.2] }, 'image_std'],
    ['do_resize false', { ...CONVNEXT_NEW, do_resize: false }, 'do_resize'],
    ['a string boolean', { ...CONVNEXT_NEW, do_normalize: 'yes' }, 'do_normalize'],
    ['a negative rescale', { ...CONVNEXT_NEW, rescale_factor: -1 }, 'rescale_factor'],
    ['not an object', [1, 2], '(file)'],
    ['ViT shortest edge without crop', { image_processor_type: 'ViTImageProcessor', size: { shortest_edge: 224 } }, 'do_center_crop'],
  ];
  for (const [what, cfg, field] of cases) {
    it(`${what} -> "${field}"`, () => {
      expect(fieldOf(cfg)).toBe(field);
      expect(() => readPreprocessorConfig(cfg)).toThrow(/^preprocessor_config\.json: /);
    });
  }
});

describe('inputSpecFor with a preprocessor config', () => {
  const p = readPreprocessorConfig(CONVNEXT_OLD);

  it('gives the manifest input the app runs with', () => {
    const spec = inputSpecFor({ name: 'pixel_values', layout: 'NCHW', size: null }, { preprocessing: p, size: 100, normalisation: 'zero-one' });
    expect(spec).toEqual({
      name: 'pixel_values', layout: 'NCHW', shape: [1, 3, 224, 224], resizeSize: 256, cropSize: 224, interpolation: 'bicubic',
      resizeMode: 'shorter', convention: 'transformers', rescaleFactor: 1 / 255, mean: IMAGENET.image_mean, std: IMAGENET.image_std,
      normalisation: 'preprocessor_config.json',
    });
  });

  it('refuses a crop that the fixed-size model cannot take', () => {
    expect(() => inputSpecFor({ name: 'x', layout: 'NCHW', size: 288 }, { preprocessing: p })).toThrow(ModelInputError);
  });
});

describe('inputHint', () => {
  it('keeps the torchvision sentence for exported models and describes Hub preprocessing', () => {
    const tv = inputSpecFor({ name: 'input', layout: 'NCHW', size: 224 });
    expect(inputHint(tv)).toBe('The model sees a 224×224 centre crop after resizing the shorter side to 256 px, exactly as torchvision does.');
    const hub = inputSpecFor({ name: 'pixel_values', layout: 'NCHW', size: null }, { preprocessing: readPreprocessorConfig(CONVNEXT_OLD) });
    expect(inputHint(hub)).toBe('The model sees a 224×224 input: bicubic resize of the shorter side to 256, centre crop 224, exactly as its Hugging Face image processor does (with PIL).');
  });
});
