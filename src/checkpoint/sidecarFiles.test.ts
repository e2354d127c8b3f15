import { describe, expect, it } from 'vitest';
import { parseLabelsFile, sortCheckpointFiles, SidecarError } from './sidecarFiles';

const named = (...names: string[]) => names.map((name) => ({ name }));

describe('sortCheckpointFiles', () => {
  it('finds the checkpoint and its config, preprocessor config and labels by name', () => {
    const files = named('labels.txt', 'preprocessor_config.json', 'model.safetensors', 'config.json');
    const sorted = sortCheckpointFiles(files)!;
    expect(sorted.checkpoint.name).toBe('model.safetensors');
    expect(sorted.config?.name).toBe('config.json');
    expect(sorted.preprocessorConfig?.name).toBe('preprocessor_config.json');
    expect(sorted.labels?.name).toBe('labels.txt');
    expect(sorted.extraCheckpoints).toBe(0);
  });

  it('takes a JSON file that is not a config as the labels, and counts extra checkpoints', () => {
    const sorted = sortCheckpointFiles(named('convnext_food101.pth', 'food_classes.json', 'old.pt'))!;
    expect(sorted.checkpoint.name).toBe('convnext_food101.pth');
    expect(sorted.labels?.name).toBe('food_classes.json');
    expect(sorted.config).toBeNull();
    expect(sorted.extraCheckpoints).toBe(1);
  });

  it('is null without a checkpoint (an ONNX model, photos, a lone labels.txt)', () => {
    expect(sortCheckpointFiles(named('model.onnx', 'labels.txt'))).toBeNull();
    expect(sortCheckpointFiles(named('cat.jpg'))).toBeNull();
  });
});

describe('parseLabelsFile', () => {
  it('reads labels.txt one name a line', () => {
    expect(parseLabelsFile('apple_pie\nbaby_back_ribs\r\n\n', 'labels.txt')).toEqual(['apple_pie', 'baby_back_ribs']);
  });

  it('reads a JSON list, an index map and a config with id2label', () => {
    expect(parseLabelsFile('["a", "b"]', 'l.json')).toEqual(['a', 'b']);
    expect(parseLabelsFile('{"1": "b", "0": "a"}', 'l.json')).toEqual(['a', 'b']);
    expect(parseLabelsFile('{"id2label": {"0": "a", "1": "b"}, "hidden_sizes": [40]}', 'l.json')).toEqual(['a', 'b']);
  });

  it('says when a JSON file holds no names, or is not JSON', () => {
    expect(() => parseLabelsFile('{"0": "a", "2": "c"}', 'l.json')).toThrow(SidecarError);
    expect(() => parseLabelsFile('{nope', 'l.json')).toThrow('"l.json" is not valid JSON');
  });
});
