import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { InferenceError } from '../worker/client';
import { loadForeignModel, loadModel, recoverFromCrash } from './modelActions';
import { photoRef, runPhotoInSlot } from './photoActions';
import { useAppStore } from './store';
import { freshApp, manifestUrl, testManifest, type FakeInference } from './testing/fakeInference';

const A = testManifest('model-a');
/** Another model without A's layer features.1.0, and a 16-channel stem. */
const B = testManifest('model-b', {
  taps: [
    { ...A.taps[0]!, shape: [16, 2, 2] },
    { ...A.taps[2]! },
  ],
});

const coffee = photoRef(new Blob(['coffee bytes']), 'coffee.png', 'coffee');
const chelsea = photoRef(new Blob(['chelsea bytes']), 'chelsea.png', 'chelsea');
const state = () => useAppStore.getState();

let fake: FakeInference;
beforeEach(() => {
  fake = freshApp([A, B]);
});
afterEach(() => {
  vi.unstubAllGlobals();
});

/** Model A loaded, photo A and photo B shown, and a channel window chosen on A's second layer. */
async function showingTwoPhotosOnA(): Promise<void> {
  await loadModel(manifestUrl('model-a'));
  await runPhotoInSlot('main', coffee);
  await runPhotoInSlot('compare', chelsea);
  useAppStore.setState({ selectedTap: 'features.1.0', firstChannel: 6, channelCount: 2 });
}

describe('commitModel, through every way a model loads', () => {
  it('another model clears activations, compare and the channel window, then runs photo A and photo B again with their PhotoRef', async () => {
    await showingTwoPhotosOnA();
    expect(state().compare?.photoName).toBe('chelsea.png');
    fake.holdRuns = true;
    const loading = loadModel(manifestUrl('model-b'));
    await vi.waitFor(() => expect(fake.runs).toHaveLength(4));
    // Committed: nothing of model A is left on screen, and the window fits B's default layer.
    expect(state().model?.manifest.id).toBe('model-b');
    expect(state().activations).toBeNull();
    expect(state().compare).toBeNull();
    expect(state()).toMatchObject({ selectedTap: 'features.0.0', firstChannel: 0, channelCount: 16 });
    // Both photos run again on B, each in its own slot with its own PhotoRef.
    const [rerunB, rerunA] = fake.runs.slice(2);
    expect([rerunA!.slot, rerunA!.blob, rerunA!.manifest.id]).toEqual(['main', coffee.blob, 'model-b']);
    expect([rerunB!.slot, rerunB!.blob, rerunB!.manifest.id]).toEqual(['compare', chelsea.blob, 'model-b']);
    expect(state().photos).toEqual({ main: coffee, compare: chelsea });
    rerunB!.answer(7);
    rerunA!.answer(8);
    await loading;
    // The results keep the sample ids, so the share link keeps sample= and compare=.
    expect(state().activations).toMatchObject({ photoName: 'coffee.png', sampleId: 'coffee' });
    expect(state().compare).toMatchObject({ photoName: 'chelsea.png', sampleId: 'chelsea' });
    expect(state().activations!.tensors.get('features.0.0')!.shape).toEqual([16, 2, 2]);
    expect(state().activations!.tensors.get('features.0.0')!.data[0]).toBe(8);
  });

  it('keeps the layer when the new model has it, clamping the window to its channels', async () => {
    const narrow = testManifest('model-c', { taps: [A.taps[0]!, { ...A.taps[1]!, shape: [4, 2, 2] }, A.taps[2]!] });
    fake = freshApp([A, narrow]);
    await showingTwoPhotosOnA();
    await loadModel(manifestUrl('model-c'));
    expect(state()).toMatchObject({ selectedTap: 'features.1.0', firstChannel: 3, channelCount: 1 });
  });

  it('the same model again (a restarted worker, the same menu entry) keeps results and view and runs nothing', async () => {
    await showingTwoPhotosOnA();
    const before = state();
    await loadModel(manifestUrl('model-a'));
    expect(fake.runs).toHaveLength(2);
    expect(state().activations).toBe(before.activations);
    expect(state().compare).toBe(before.compare);
    expect(state()).toMatchObject({ selectedTap: 'features.1.0', firstChannel: 6, channelCount: 2 });
  });

  it('a foreign model clears Compare, runs both photos again and names itself in ?model=', async () => {
    await showingTwoPhotosOnA();
    fake.holdRuns = true;
    const loading = loadForeignModel({ kind: 'url', url: 'https://models.test/resnet18.onnx', cache: true });
    await vi.waitFor(() => expect(fake.runs).toHaveLength(4));
    expect(state().compare).toBeNull();
    expect(state().activations).toBeNull();
    expect(state().model).toMatchObject({ link: 'https://models.test/resnet18.onnx', manifestUrl: '' });
    for (const run of fake.runs.slice(2)) run.answer();
    await expect(loading).resolves.toBe(true);
    expect(state().compare).toMatchObject({ sampleId: 'chelsea' });
    expect(state().activations).toMatchObject({ sampleId: 'coffee' });
    expect(state().activations!.tensors.get('logits')!.data).toHaveLength(3);
  });

  it('a photo chosen before any model runs once the model is loaded', async () => {
    await runPhotoInSlot('main', coffee);
    expect(fake.runs).toHaveLength(0);
    expect(state().photos.main).toBe(coffee);
    await loadModel(manifestUrl('model-a'));
    expect(fake.runs.map((r) => r.blob)).toEqual([coffee.blob]);
    expect(state().activations).toMatchObject({ photoName: 'coffee.png', sampleId: 'coffee' });
  });

  it("a photo cut short by the worker's death runs again once the model is back, and the alert goes", async () => {
    await loadModel(manifestUrl('model-a'));
    await runPhotoInSlot('main', coffee);
    fake.holdRuns = true;
    const dying = runPhotoInSlot('main', chelsea);
    fake.runs.at(-1)!.fail(new InferenceError('worker-crashed', 'The inference worker stopped: out of memory'));
    await dying;
    expect(state().activations?.photoName).toBe('coffee.png');
    fake.holdRuns = false;
    await recoverFromCrash('The inference worker stopped: out of memory');
    expect(fake.runs.map((r) => r.blob)).toEqual([coffee.blob, chelsea.blob, chelsea.blob]);
    expect(state().activations).toMatchObject({ photoName: 'chelsea.png', sampleId: 'chelsea' });
    expect(state().photoError).toBeNull();
  });

  it('a load overtaken by a newer one is dropped: the newer model is committed, whatever answers last', async () => {
    await showingTwoPhotosOnA();
    fake.holdLoads = true;
    const older = loadForeignModel({ kind: 'url', url: 'https://models.test/resnet18.onnx', cache: true });
    const newer = loadModel(manifestUrl('model-b'));
    await vi.waitFor(() => expect(fake.loads).toHaveLength(3));
    fake.finishLoads();
    await expect(older).resolves.toBe(false);
    await newer;
    expect(state().model?.manifest.id).toBe('model-b');
    expect(state().model?.link).toBeUndefined();
    expect(state().activations?.tensors.get('features.0.0')!.shape).toEqual([16, 2, 2]);
  });

  it('a model that fails to load leaves the previous model, its results and the view as they were', async () => {
    await showingTwoPhotosOnA();
    const before = state();
    await loadModel(manifestUrl('missing'));
    expect(state().modelError).toMatch(/Could not fetch the model manifest: .* answered 404/);
    expect(state().status).toBe('ready');
    expect(state().model).toBe(before.model);
    expect(state().activations).toBe(before.activations);
    expect(state().compare).toBe(before.compare);
  });
});
