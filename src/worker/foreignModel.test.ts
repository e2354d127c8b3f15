// @vitest-environment node
/**
 * A model without a manifest, read and probed as a dropped file would be: the committed
 * default model on onnxruntime-node stands in for a foreign one.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import * as ortNode from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { addGraphOutputs } from '../model/onnxProto';
import { logitsTap } from '../model/taps';
import type { Ort, Session } from './backend';
import { analyseGraph, probe } from './foreignModel';
import { WorkerError } from './workerError';

const MODEL = resolve(import.meta.dirname, '../../public/models/convnext-atto-untrained/model.onnx');

describe('analyseGraph', () => {
  it('a file that is not ONNX is refused by name', () => {
    const e = (() => {
      try {
        analyseGraph(new TextEncoder().encode('<html>not a model</html>'), 'page.onnx', '0');
      } catch (error) {
        return error;
      }
    })();
    expect(e).toBeInstanceOf(WorkerError);
    expect((e as WorkerError).code).toBe('not-onnx');
    expect((e as WorkerError).message).toMatch(/^"page\.onnx": /);
  });
});

describe('probe', () => {
  it('derives a manifest whose class scores are found by kind, every layer shaped by a real run', async () => {
    const bytes = new Uint8Array(readFileSync(MODEL));
    const graph = analyseGraph(bytes, 'model.onnx', 'ab'.repeat(32));
    const session = await ortNode.InferenceSession.create(addGraphOutputs(bytes, graph.candidates.map((c) => c.value)));
    try {
      const manifest = await probe(ortNode as unknown as Ort, session as unknown as Session, graph, null);
      expect(manifest.input.shape).toEqual([1, 3, 224, 224]);
      const head = logitsTap(manifest);
      expect(head?.shape).toEqual([101]);
      expect(manifest.taps.filter((t) => t.kind === 'logits')).toEqual([head]);
      expect(manifest.taps.filter((t) => t !== head).every((t) => t.shape.length === 3)).toBe(true);
      // The graph's own outputs are fetched anyway; the layers added are the others, e.g. stage 2's downsampling norm.
      expect(manifest.taps.find((t) => t.name === 'features.2.0')?.shape).toEqual([40, 56, 56]);
    } finally {
      await session.release();
    }
  });
});
