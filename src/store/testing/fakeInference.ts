/**
 * A stand-in for the inference worker's client, for unit tests of the store's actions in
 * Node: it answers the calls the actions make with results built here from the model's
 * manifest, and a test decides when, and in which order, each run answers.
 */
import { vi } from 'vitest';
import type { InferenceClient, LoadedReply, Progress } from '../../worker/client';
import type { InputChoice } from '../../model/deriveManifest';
import type { Manifest, Tap } from '../../model/manifest';
import type { BackendChoice, BackendInfo, ModelSource, RunResult, RunSlot } from '../../worker/protocol';
import { useAppStore } from '../store';
import { setInferenceClient } from '../workerClient';

export const WASM: BackendInfo = { name: 'wasm', threads: 1, crossOriginIsolated: false, fallbackReason: null, adapter: null };

function tap(name: string, kind: Tap['kind'], stage: number, shape: number[]): Tap {
  return { name, kind, stage, block: null, shape, receptiveField: { size: 4, stride: 4, offset: 1.5 }, description: `${name} of the test model` };
}

/** A small but valid manifest: a 4-channel stem, an 8-channel stage and 3 classes. */
export function testManifest(id: string, extra: Partial<Manifest> = {}): Manifest {
  return {
    schemaVersion: 1,
    id,
    displayName: `Test model ${id}`,
    arch: 'convnext_atto',
    weights: { source: 'seeded', description: 'untrained, seed 0', seed: 0, init: null, checkpointSha256: null },
    trained: false,
    input: { name: 'input', layout: 'NCHW', shape: [1, 3, 8, 8], resizeSize: 8, cropSize: 8, interpolation: 'bilinear', mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25] },
    labels: ['circle', 'square', 'star'],
    taps: [tap('features.0.0', 'conv', 0, [4, 2, 2]), tap('features.1.0', 'block', 1, [8, 2, 2]), tap('logits', 'logits', 5, [3])],
    file: { name: 'model.onnx', bytes: 1, sha256: '00', fp16Weights: false, opset: 17 },
    exporter: { torch: 'test', torchvision: 'test', onnx: 'test', command: 'none' },
    ...extra,
  };
}

/** What a run of `manifest` answers: every tap filled with `value` (so a test can tell runs apart). */
export function runResult(manifest: Manifest, value: number): RunResult {
  return {
    taps: manifest.taps.map((t) => ({ name: t.name, dims: [1, ...t.shape], data: new Float32Array(t.shape.reduce((a, b) => a * b, 1)).fill(value) })),
    crop: { width: 8, height: 8, data: new Uint8ClampedArray(8 * 8 * 4) },
    source: { width: 64, height: 48 },
    decoded: { format: 'png', width: 64, height: 48, transparent: false, frames: null },
    decodeMs: 1,
    preprocessMs: 1,
    inferenceMs: 1,
    backend: WASM,
  };
}

export interface FakeRun {
  blob: Blob;
  slot: RunSlot;
  /** The manifest of the model loaded when the run was asked. */
  manifest: Manifest;
  answer(value?: number): void;
  fail(error: Error): void;
}

/** Implements the client methods the actions call (type-checked against the real client). */
export class FakeInference implements Pick<InferenceClient, 'loadModel' | 'loadFrom' | 'configureInput' | 'run'> {
  readonly runs: FakeRun[] = [];
  readonly loads: { source: ModelSource; manifest: Manifest | null; input: InputChoice | null }[] = [];
  /** What a foreign model (loadFrom without a manifest) derives to. */
  foreignManifest: Manifest = testManifest('foreign');
  /** Runs answer on their own (the next value each time) unless a test holds them. */
  holdRuns = false;
  /** Model loads answer on their own unless a test holds them (release with finishLoads). */
  holdLoads = false;
  private heldLoads: (() => void)[] = [];
  private loaded: Manifest | null = null;
  private nextValue = 1;

  asClient(): InferenceClient {
    return this as unknown as InferenceClient;
  }

  async loadModel(_url: string, manifest: Manifest, backend: BackendChoice, onProgress?: (p: Progress) => void): Promise<LoadedReply> {
    return this.loadFrom({ kind: 'url', url: _url, cache: false }, manifest, backend, null, onProgress);
  }

  async loadFrom(source: ModelSource, manifest: Manifest | null, _backend: BackendChoice, input: InputChoice | null, onProgress?: (p: Progress) => void): Promise<LoadedReply> {
    this.loads.push({ source, manifest, input });
    onProgress?.({ stage: 'compile', loaded: 0, total: null });
    if (this.holdLoads) await new Promise<void>((resolve) => this.heldLoads.push(resolve));
    this.loaded = manifest ?? this.foreignManifest;
    return { backend: WASM, compileMs: 1, manifest: this.loaded, fromCache: false };
  }

  /** Answers the held model loads, oldest first. */
  finishLoads(): void {
    for (const finish of this.heldLoads.splice(0)) finish();
  }

  async configureInput(_input: InputChoice): Promise<LoadedReply> {
    if (!this.loaded) throw new Error('no model');
    return { backend: WASM, compileMs: 1, manifest: this.loaded, fromCache: false };
  }

  run(blob: Blob, _onProgress?: (p: Progress) => void, _timeoutMs?: number, slot: RunSlot = 'main'): Promise<RunResult> {
    const manifest = this.loaded;
    if (!manifest) return Promise.reject(new Error('no model'));
    return new Promise((resolve, reject) => {
      const run: FakeRun = {
        blob,
        slot,
        manifest,
        answer: (value = this.nextValue++) => resolve(runResult(manifest, value)),
        fail: reject,
      };
      this.runs.push(run);
      if (!this.holdRuns) run.answer();
    });
  }
}

export const APP = 'http://app.test/';

/** Where loadModel finds the bundled test manifest of `id`. */
export function manifestUrl(id: string): string {
  return `${APP}models/${id}/manifest.json`;
}

/**
 * A fresh store, a fresh fake worker behind the actions, and `fetch` answering the
 * manifests given (by manifestUrl) with 404 for anything else. Call in beforeEach.
 */
export function freshApp(manifests: Manifest[]): FakeInference {
  useAppStore.setState(useAppStore.getInitialState(), true);
  const fake = new FakeInference();
  setInferenceClient(fake.asClient());
  vi.stubGlobal('fetch', async (url: string) => {
    const m = manifests.find((x) => manifestUrl(x.id) === url);
    return m ? new Response(JSON.stringify(m)) : new Response('not found', { status: 404 });
  });
  vi.stubGlobal('document', { baseURI: APP });
  return fake;
}
