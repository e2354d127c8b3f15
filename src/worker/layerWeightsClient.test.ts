/** The Filters view's request through the client: sent with the tap's graph value, answered by id, errors kept. */
import { describe, expect, it } from 'vitest';
import { InferenceClient } from './client';
import type { WorkerRequest, WorkerResponse } from './protocol';
import type { LayerWeights } from '../model/layerWeights';

class FakeWorker extends EventTarget {
  sent: WorkerRequest[] = [];
  postMessage(message: WorkerRequest): void {
    this.sent.push(message);
  }
  reply(message: WorkerResponse): void {
    this.dispatchEvent(new MessageEvent('message', { data: message }));
  }
  terminate(): void {}
}

function setup() {
  const worker = new FakeWorker();
  return { client: new InferenceClient(() => worker as unknown as Worker), worker };
}

const weights: LayerWeights = {
  value: 'features.0.0',
  node: '/features.0.0/Conv',
  opType: 'Conv',
  after: [],
  initializer: 'w',
  before: ['Cast'],
  perms: [],
  group: 1,
  transB: false,
  weightSecond: true,
  dims: [1, 3, 1, 1],
  data: Float32Array.from([1, 2, 3]),
};

describe('InferenceClient.layerWeights', () => {
  it('asks for one graph value and resolves with the reply of the same id', async () => {
    const { client, worker } = setup();
    const first = client.layerWeights('features.0.0');
    const second = client.layerWeights('avgpool');
    const [a, b] = worker.sent as Extract<WorkerRequest, { type: 'layer-weights' }>[];
    expect([a!.type, a!.value, b!.value]).toEqual(['layer-weights', 'features.0.0', 'avgpool']);
    worker.reply({ type: 'layer-weights', id: b!.id, result: { ok: false, reason: 'it is made by GlobalAveragePool' } });
    worker.reply({ type: 'layer-weights', id: a!.id, result: { ok: true, weights } });
    await expect(first).resolves.toEqual({ ok: true, weights });
    await expect(second).resolves.toEqual({ ok: false, reason: 'it is made by GlobalAveragePool' });
  });

  it('rejects with the worker’s error code (no model loaded yet)', async () => {
    const { client, worker } = setup();
    const pending = client.layerWeights('features.0.0');
    worker.reply({ type: 'error', id: worker.sent[0]!.id, code: 'no-model', message: 'No model is loaded yet.' });
    await expect(pending).rejects.toMatchObject({ code: 'no-model', message: 'No model is loaded yet.' });
  });
});
