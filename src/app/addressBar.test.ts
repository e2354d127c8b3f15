import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadForeignModel, loadModel } from '../store/modelActions';
import { photoRef, runPhotoInSlot } from '../store/photoActions';
import { useAppStore } from '../store/store';
import { freshApp, manifestUrl, testManifest, type FakeInference } from '../store/testing/fakeInference';
import { searchOf } from './addressBar';

const A = testManifest('model-a');
const params = () => new URLSearchParams(searchOf(useAppStore.getState(), '?backend=wasm&model=https%3A%2F%2Fold.test%2Fm.onnx'));

let fake: FakeInference;
beforeEach(() => {
  fake = freshApp([A]);
});
afterEach(() => {
  vi.unstubAllGlobals();
});

describe('the address bar', () => {
  it('keeps sample= and compare= while both photos run again on another model, and names a foreign model in ?model=', async () => {
    await loadModel(manifestUrl('model-a'));
    await runPhotoInSlot('main', photoRef(new Blob(['a']), 'coffee.png', 'coffee'));
    await runPhotoInSlot('compare', photoRef(new Blob(['b']), 'chelsea.png', 'chelsea'));
    fake.holdRuns = true;
    const loading = loadForeignModel({ kind: 'url', url: 'https://models.test/resnet18.onnx', cache: true });
    await vi.waitFor(() => expect(fake.runs).toHaveLength(4));
    // No result yet on the new model: the link still says which samples are shown.
    expect(useAppStore.getState().activations).toBeNull();
    expect([params().get('sample'), params().get('compare')]).toEqual(['coffee', 'chelsea']);
    expect(params().get('model')).toBe('https://models.test/resnet18.onnx');
    expect(params().get('backend')).toBe('wasm');
    for (const run of fake.runs.slice(2)) run.answer();
    await loading;
    expect([params().get('sample'), params().get('compare')]).toEqual(['coffee', 'chelsea']);
    // Back to a bundled model: ?model= goes.
    fake.holdRuns = false;
    await loadModel(manifestUrl('model-a'));
    expect(params().has('model')).toBe(false);
    expect(params().get('sample')).toBe('coffee');
  });

  it('an own photo (no sample id) leaves sample= out', async () => {
    await loadModel(manifestUrl('model-a'));
    await runPhotoInSlot('main', photoRef(new Blob(['mine']), 'holiday.jpg'));
    expect(params().has('sample')).toBe(false);
    expect(params().get('layer')).toBe('features.0.0');
  });
});
