import { afterEach, describe, expect, it, vi } from 'vitest';
import { createInferenceWorker, debugRequested, InferenceClient, InferenceError } from './client';
import { DEBUG_WORKER_NAME, isDebugWorkerName, transferablesOf, WORKER_NAME, type RunResult, type TapOutput, type WorkerRequest, type WorkerResponse } from './protocol';

const tapOutput = (name: string, data: Float32Array): TapOutput => ({ name, dims: [1, data.length], data });

/** A stand-in Worker that records requests and lets the test answer them. */
class FakeWorker extends EventTarget {
  sent: WorkerRequest[] = [];
  transferred: Transferable[][] = [];
  terminated = false;
  postMessage(message: WorkerRequest, transfer: Transferable[] = []): void {
    this.sent.push(message);
    this.transferred.push(transfer);
  }
  reply(message: WorkerResponse): void {
    this.dispatchEvent(new MessageEvent('message', { data: message }));
  }
  terminate(): void {
    this.terminated = true;
  }
}

function setup() {
  const workers: FakeWorker[] = [];
  const client = new InferenceClient(() => {
    const w = new FakeWorker();
    workers.push(w);
    return w as unknown as Worker;
  });
  return { client, workers };
}

const result = (): RunResult => ({
  taps: [tapOutput('logits', new Float32Array([1, 2, 3]))],
  crop: { width: 1, height: 1, data: new Uint8ClampedArray(4) },
  source: { width: 1, height: 1 },
  decoded: { format: 'png', width: 1, height: 1, transparent: false, frames: null },
  decodeMs: 1,
  preprocessMs: 1,
  inferenceMs: 1,
  backend: { name: 'wasm', threads: 2, crossOriginIsolated: true, fallbackReason: null, adapter: null },
});

describe('InferenceClient', () => {
  it('matches replies to requests by id, whatever their order', async () => {
    const { client, workers } = setup();
    const w = workers[0]!;
    const first = client.run(new Blob(['a']));
    const second = client.run(new Blob(['b']));
    const [a, b] = w.sent;
    const r2 = result();
    w.reply({ type: 'run-result', id: b!.id, result: r2 });
    w.reply({ type: 'error', id: a!.id, code: 'superseded', message: 'newer photo' });
    await expect(second).resolves.toBe(r2);
    await expect(first).rejects.toMatchObject({ code: 'superseded' });
  });

  it('reports progress for its own request only', async () => {
    const { client, workers } = setup();
    const w = workers[0]!;
    const seen: number[] = [];
    const p = client.run(new Blob(['a']), (pr) => seen.push(pr.loaded));
    const id = w.sent[0]!.id;
    w.reply({ type: 'progress', id: id + 100, stage: 'decode', loaded: 99, total: null });
    w.reply({ type: 'progress', id, stage: 'decode', loaded: 1, total: null });
    w.reply({ type: 'run-result', id, result: result() });
    await p;
    expect(seen).toEqual([1]);
  });

  it('rejects pending requests and replaces a crashed worker', async () => {
    const { client, workers } = setup();
    let restarted = '';
    client.onRestart = (reason) => (restarted = reason);
    const p = client.run(new Blob(['a']));
    workers[0]!.dispatchEvent(Object.assign(new Event('error'), { message: 'boom' }));
    await expect(p).rejects.toBeInstanceOf(InferenceError);
    await expect(p).rejects.toMatchObject({ code: 'worker-crashed' });
    expect(workers[0]!.terminated).toBe(true);
    expect(workers).toHaveLength(2);
    expect(restarted).toMatch(/boom/);
  });

  it('transfers a camera frame (never copies it) and resolves with its result', async () => {
    const { client, workers } = setup();
    const w = workers[0]!;
    const frame = { width: 4, height: 3, close() {} } as unknown as ImageBitmap;
    const p = client.runFrame(frame, true, ['features.0.0', 'logits']);
    expect(w.sent[0]).toMatchObject({ type: 'run-frame', frame, mirror: true, slot: 'main', taps: ['features.0.0', 'logits'] });
    expect(w.transferred[0]).toEqual([frame]);
    const r = { ...result(), frame: { width: 4, height: 3, data: new Uint8ClampedArray(48) } };
    w.reply({ type: 'run-result', id: w.sent[0]!.id, result: r });
    await expect(p).resolves.toBe(r);
    expect(transferablesOf(r)).toContain(r.frame.data.buffer);
  });

  it('gives up on a worker that does not answer in time', async () => {
    const { client, workers } = setup();
    const p = client.run(new Blob(['a']), undefined, 20);
    await expect(p).rejects.toMatchObject({ code: 'worker-crashed' });
    expect(workers).toHaveLength(2);
  });
});

describe('transferablesOf', () => {
  it('lists every buffer once', () => {
    const r = result();
    const shared = new Float32Array(8);
    r.taps.push(tapOutput('a', shared.subarray(0, 4)), tapOutput('b', shared.subarray(4)));
    const buffers = transferablesOf(r);
    // crop + logits data + one shared buffer for a and b
    expect(buffers).toHaveLength(1 + 1 + 1);
    expect(buffers).toContain(shared.buffer);
    expect(buffers).toContain(r.crop.data.buffer);
    expect(new Set(buffers).size).toBe(buffers.length);
  });
});

describe('InferenceClient model loading', () => {
  it('sends a foreign model source without a manifest and resolves with the derived manifest', async () => {
    const { client, workers } = setup();
    const w = workers[0]!;
    const file = new File([new Uint8Array([1, 2, 3])], 'm.onnx');
    const loading = client.loadFrom({ kind: 'files', model: file, externalData: [] }, null, 'wasm', { size: 160 });
    const sent = w.sent[0]!;
    expect(sent).toMatchObject({ type: 'load-model', manifest: null, backend: 'wasm', input: { size: 160 }, source: { kind: 'files', model: file } });
    const manifest = { id: 'file:abc' } as never;
    w.reply({ type: 'model-loaded', id: sent.id, backend: result().backend, compileMs: 5, manifest, fromCache: false });
    await expect(loading).resolves.toMatchObject({ manifest, compileMs: 5, fromCache: false });
  });

  it('turns a worker error during a load into a rejected promise with its code', async () => {
    const { client, workers } = setup();
    const w = workers[0]!;
    const loading = client.loadFrom({ kind: 'url', url: 'http://x/m.onnx', cache: true }, null, 'auto', null);
    w.reply({ type: 'error', id: w.sent[0]!.id, code: 'not-onnx', message: 'not an ONNX model' });
    await expect(loading).rejects.toMatchObject({ code: 'not-onnx', message: 'not an ONNX model' });
  });
});

describe('the worker of a ?debug page', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('is started under the debug name only when the address has ?debug', () => {
    const started: WorkerOptions[] = [];
    vi.stubGlobal(
      'Worker',
      class {
        constructor(_url: URL, options: WorkerOptions) {
          started.push(options);
        }
      },
    );
    expect(debugRequested('?debug')).toBe(true);
    expect(debugRequested('?layer=features.0.0&debug=')).toBe(true);
    expect(debugRequested('?backend=wasm')).toBe(false);
    createInferenceWorker(true);
    createInferenceWorker(false);
    vi.stubGlobal('location', { search: '?sample=coffee&debug' });
    createInferenceWorker();
    expect(started).toEqual([
      { type: 'module', name: DEBUG_WORKER_NAME },
      { type: 'module', name: WORKER_NAME },
      { type: 'module', name: DEBUG_WORKER_NAME },
    ]);
    expect([WORKER_NAME, DEBUG_WORKER_NAME].map(isDebugWorkerName)).toEqual([false, true]);
  });
});
