import { describe, expect, it } from 'vitest';
import { apiUrl, checkpointVariants, chooseVariant, fileUrl, filesFromListing, HubRefError, hubLink, labelsFromConfig, modelCardUrl, onnxVariants, parseHubLink, parseHubRef, weightVariants } from './hub';

describe('parseHubRef', () => {
  it('reads ids, revisions and pasted Hub URLs', () => {
    expect(parseHubRef(' Xenova/convnext-tiny-224 ')).toEqual({ repo: 'Xenova/convnext-tiny-224', revision: 'main', file: null });
    expect(parseHubRef('Xenova/convnext-tiny-224@v1.0')).toEqual({ repo: 'Xenova/convnext-tiny-224', revision: 'v1.0', file: null });
    expect(parseHubRef('https://huggingface.co/Xenova/convnext-tiny-224')).toEqual({ repo: 'Xenova/convnext-tiny-224', revision: 'main', file: null });
    expect(parseHubRef('https://huggingface.co/Xenova/convnext-tiny-224/tree/refs%2Fpr%2F1')).toEqual({ repo: 'Xenova/convnext-tiny-224', revision: 'refs/pr/1', file: null });
    expect(parseHubRef('https://huggingface.co/Xenova/convnext-tiny-224/resolve/main/onnx/model.onnx')).toEqual({ repo: 'Xenova/convnext-tiny-224', revision: 'main', file: 'onnx/model.onnx' });
    expect(parseHubRef('https://hf.co/Xenova/convnext-tiny-224/blob/abc123/onnx/model_fp16.onnx?download=true')).toEqual({
      repo: 'Xenova/convnext-tiny-224',
      revision: 'abc123',
      file: 'onnx/model_fp16.onnx',
    });
    expect(parseHubRef('https://huggingface.co/facebook/convnext-tiny-224/discussions')).toEqual({ repo: 'facebook/convnext-tiny-224', revision: 'main', file: null });
  });
  it('refuses what is not a model id, with a sentence', () => {
    for (const bad of ['', 'convnext', 'a/b/c', 'owner/na me', 'owner/-name', 'owner/na--me', 'https://example.com/a/b', 'https://huggingface.co/datasets/a/b', 'https://huggingface.co/owner', 'o/n@..']) {
      expect(() => parseHubRef(bad), bad).toThrow(HubRefError);
    }
    expect(() => parseHubRef('https://example.com/m.onnx')).toThrow(/Model URL/);
  });
});

describe('URLs', () => {
  const ref = { repo: 'Xenova/convnext-tiny-224', revision: 'main' };
  it('uses the Hub public API and resolve endpoints', () => {
    expect(apiUrl(ref)).toBe('https://huggingface.co/api/models/Xenova/convnext-tiny-224?blobs=true');
    expect(apiUrl({ ...ref, revision: 'v2' })).toBe('https://huggingface.co/api/models/Xenova/convnext-tiny-224/revision/v2?blobs=true');
    expect(fileUrl(ref, 'onnx/model_fp16.onnx')).toBe('https://huggingface.co/Xenova/convnext-tiny-224/resolve/main/onnx/model_fp16.onnx');
    expect(fileUrl({ ...ref, revision: 'refs/pr/1' }, 'config.json')).toBe('https://huggingface.co/Xenova/convnext-tiny-224/resolve/refs%2Fpr%2F1/config.json');
    expect(modelCardUrl(ref)).toBe('https://huggingface.co/Xenova/convnext-tiny-224');
  });
});

// The shape of https://huggingface.co/api/models/Xenova/convnext-tiny-224?blobs=true (sizes rounded here).
const LISTING = {
  id: 'Xenova/convnext-tiny-224',
  siblings: [
    { rfilename: '.gitattributes', size: 1519 },
    { rfilename: 'README.md', size: 300 },
    { rfilename: 'config.json', size: 70000 },
    { rfilename: 'onnx/model.onnx', size: 114_400_000, lfs: { size: 114_400_000 } },
    { rfilename: 'onnx/model_bnb4.onnx', size: 20_000_000, lfs: { size: 20_000_000 } },
    { rfilename: 'onnx/model_fp16.onnx', size: 57_200_000, lfs: { size: 57_200_000 } },
    { rfilename: 'onnx/model_int8.onnx', size: 29_000_000, lfs: { size: 29_000_000 } },
    { rfilename: 'onnx/model_q4.onnx', size: 21_000_000, lfs: { size: 21_000_000 } },
    { rfilename: 'onnx/model_quantized.onnx', size: 29_000_000, lfs: { size: 29_000_000 } },
    { rfilename: 'onnx/model_uint8.onnx', size: 29_000_000, lfs: { size: 29_000_000 } },
    { rfilename: 'preprocessor_config.json', size: 400 },
  ],
};

describe('onnxVariants', () => {
  it('lists float32 first, then float16, then quantized ones marked approximate, with sizes', () => {
    const v = onnxVariants(filesFromListing(LISTING));
    expect(v.map((x) => x.key)).toEqual(['', 'fp16', 'quantized', 'int8', 'uint8', 'q4', 'bnb4']);
    expect(v[0]).toMatchObject({ path: 'onnx/model.onnx', bytes: 114_400_000, approximate: false, label: 'float32 · 114 MB' });
    expect(v[1]).toMatchObject({ path: 'onnx/model_fp16.onnx', approximate: false, label: 'float16 · 57 MB' });
    expect(v[2]).toMatchObject({ approximate: true, label: '8-bit quantized · approximate · 29 MB' });
  });
  it('keeps a root model.onnx, leaves out other graphs and non-ONNX files', () => {
    const v = onnxVariants([
      { path: 'model.onnx', bytes: 5_000_000 },
      { path: 'onnx/decoder_model.onnx', bytes: 1 },
      { path: 'model.safetensors', bytes: 1 },
    ]);
    expect(v.map((x) => x.key)).toEqual(['model.onnx']);
    expect(onnxVariants(filesFromListing({ siblings: [{ rfilename: 'config.json' }] }))).toEqual([]);
  });
  it('chooses the pasted file, a link key, or float32', () => {
    const v = onnxVariants(filesFromListing(LISTING));
    expect(chooseVariant(v, {})?.path).toBe('onnx/model.onnx');
    expect(chooseVariant(v, { key: 'fp16' })?.path).toBe('onnx/model_fp16.onnx');
    expect(chooseVariant(v, { file: 'onnx/model_q4.onnx' })?.key).toBe('q4');
    expect(chooseVariant(v, { key: 'nope' })).toBeNull();
  });
  it('refuses a listing without siblings', () => {
    expect(() => filesFromListing({ error: 'Repository not found' })).toThrow(HubRefError);
  });
});

describe('checkpoints', () => {
  const files = [
    { path: 'pytorch_model.bin', bytes: 14_900_000 },
    { path: 'model.safetensors', bytes: 14_794_312 },
    { path: 'sub/model.safetensors', bytes: 1 },
    { path: 'config.json', bytes: 500 },
  ];
  it('lists top-level model.safetensors before pytorch_model.bin, built in the page', () => {
    expect(checkpointVariants(files).map((v) => [v.key, v.label, v.checkpoint])).toEqual([
      ['model.safetensors', 'model.safetensors · 14.8 MB · built in the page', true],
      ['pytorch_model.bin', 'pytorch_model.bin · 14.9 MB · built in the page', true],
    ]);
  });
  it('puts ONNX files first when a repo has both, and a link without a key opens a checkpoint-only repo', () => {
    const both = weightVariants([...files, { path: 'onnx/model_fp16.onnx', bytes: 8_000_000 }]);
    expect(both.map((v) => v.path)).toEqual(['onnx/model_fp16.onnx', 'model.safetensors', 'pytorch_model.bin']);
    expect(chooseVariant(both, { key: '' })?.path).toBe('onnx/model_fp16.onnx');
    expect(chooseVariant(weightVariants(files), { key: '' })?.path).toBe('model.safetensors');
    expect(chooseVariant(weightVariants(files), { key: 'pytorch_model.bin' })?.path).toBe('pytorch_model.bin');
    expect(chooseVariant(weightVariants(files), { key: 'fp16' })).toBeNull();
  });
});

describe('links', () => {
  it('round-trips hf:owner/name[@rev][:variant]', () => {
    const ref = { repo: 'Xenova/convnext-tiny-224', revision: 'main' };
    expect(hubLink(ref, 'fp16')).toBe('hf:Xenova/convnext-tiny-224:fp16');
    expect(hubLink(ref, '')).toBe('hf:Xenova/convnext-tiny-224');
    expect(hubLink({ ...ref, revision: 'v1' }, 'model.onnx')).toBe('hf:Xenova/convnext-tiny-224@v1:model.onnx');
    expect(parseHubLink('hf:Xenova/convnext-tiny-224:fp16')).toEqual({ ref: { ...ref, file: null }, key: 'fp16' });
    expect(parseHubLink('hf:Xenova/convnext-tiny-224@v1:model.onnx')).toEqual({ ref: { ...ref, revision: 'v1', file: null }, key: 'model.onnx' });
    expect(parseHubLink('hf:nonsense')).toBeNull();
    expect(parseHubLink('https://x/y.onnx')).toBeNull();
  });
});

describe('labelsFromConfig', () => {
  it('orders id2label by class index', () => {
    expect(labelsFromConfig({ id2label: { '1': 'goldfish', '0': 'tench' } })).toEqual(['tench', 'goldfish']);
    expect(labelsFromConfig({ id2label: { '0': 'a', '2': 'c' } })).toBeNull();
    expect(labelsFromConfig({})).toBeNull();
  });
});
