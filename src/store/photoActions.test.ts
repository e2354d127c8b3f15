import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { InferenceError } from '../worker/client';
import { loadModel } from './modelActions';
import { photoRef, runPhotoInSlot, showFrameResult } from './photoActions';
import { useAppStore } from './store';
import { freshApp, manifestUrl, runResult, testManifest, type FakeInference } from './testing/fakeInference';

const M = testManifest('model-a');
const photo = (name: string, sampleId: string | null = null, notes: string[] = []) => photoRef(new Blob([`${name} bytes`]), name, sampleId, notes);
const state = () => useAppStore.getState();
const stemValue = (slot: 'activations' | 'compare') => state()[slot]!.tensors.get('features.0.0')!.data[0];

let fake: FakeInference;
beforeEach(async () => {
  fake = freshApp([M]);
  await loadModel(manifestUrl('model-a'));
  fake.holdRuns = true;
});
afterEach(() => {
  vi.unstubAllGlobals();
});

describe('runPhotoInSlot', () => {
  it('ignores a stale result: an older run of the slot that answers after a newer one', async () => {
    const first = runPhotoInSlot('main', photo('first.png'));
    const second = runPhotoInSlot('main', photo('second.png'));
    const [older, newer] = fake.runs;
    newer!.answer(2);
    await second;
    older!.answer(1);
    await first;
    expect(state().activations).toMatchObject({ photoName: 'second.png' });
    expect(stemValue('activations')).toBe(2);
    expect(state().status).toBe('ready');
  });

  it('a superseded run that the worker drops leaves no error behind', async () => {
    const first = runPhotoInSlot('main', photo('first.png'));
    const second = runPhotoInSlot('main', photo('second.png'));
    fake.runs[0]!.fail(new InferenceError('superseded', 'A newer photo replaced this one.'));
    fake.runs[1]!.answer(5);
    await Promise.all([first, second]);
    expect(state().photoError).toBeNull();
    expect(state().activations?.photoName).toBe('second.png');
  });

  it('photo A and photo B never supersede each other', async () => {
    const a = runPhotoInSlot('main', photo('a.png', 'coffee'));
    const b = runPhotoInSlot('compare', photo('b.png', 'chelsea'));
    expect(fake.runs.map((r) => r.slot)).toEqual(['main', 'compare']);
    fake.runs[1]!.answer(20);
    fake.runs[0]!.answer(10);
    await Promise.all([a, b]);
    expect(state().activations).toMatchObject({ photoName: 'a.png', sampleId: 'coffee' });
    expect(state().compare).toMatchObject({ photoName: 'b.png', sampleId: 'chelsea' });
    expect([stemValue('activations'), stemValue('compare')]).toEqual([10, 20]);
    expect(state().compareProgress).toBeNull();
  });

  it('a photo that fails shows why and keeps the last good result', async () => {
    const good = runPhotoInSlot('main', photo('good.png'));
    fake.runs[0]!.answer(3);
    await good;
    const bad = runPhotoInSlot('main', photo('bad.png'));
    fake.runs[1]!.fail(new InferenceError('decode', 'not an image the browser can decode'));
    await bad;
    expect(state().photoError).toBe('Could not process "bad.png": not an image the browser can decode');
    expect(state().activations?.photoName).toBe('good.png');
    expect(state().status).toBe('ready');
  });

  it('an empty file is refused without a run, in either slot', async () => {
    await runPhotoInSlot('main', photoRef(new Blob([]), 'empty.png'));
    expect(state().photoError).toBe('"empty.png" is empty (0 bytes): nothing to show.');
    await runPhotoInSlot('compare', photoRef(new Blob([]), 'empty-b.png'));
    expect(state().photoError).toBe('"empty-b.png" is empty (0 bytes): nothing to compare.');
    expect(fake.runs).toHaveLength(0);
  });

  it("a photo's own notes show with it, and a photo without notes clears them", async () => {
    const noted = runPhotoInSlot('main', photo('two.png', null, ['2 items were dropped; showing "two.png" only.']));
    expect(state().photoNotice).toBe('2 items were dropped; showing "two.png" only.');
    fake.runs[0]!.answer();
    await noted;
    expect(state().photoNotice).toBe('2 items were dropped; showing "two.png" only.');
    const plain = runPhotoInSlot('main', photo('one.png'));
    expect(state().photoNotice).toBeNull();
    fake.runs[1]!.answer();
    await plain;
  });
});

describe('showFrameResult', () => {
  it('shows a camera frame as photo A without touching the photo kept for re-runs', async () => {
    const kept = photo('kept.png', 'coffee');
    const run = runPhotoInSlot('main', kept);
    fake.runs[0]!.answer(1);
    await run;
    const runId = showFrameResult('camera', runResult(M, 9), 5);
    expect(runId).not.toBeNull();
    expect(state().activations).toMatchObject({ runId, photoName: 'camera', sampleId: null, totalMs: 5 });
    expect(stemValue('activations')).toBe(9);
    expect(state().photos.main).toBe(kept);
  });

  it('a frame with some taps keeps the other layers of the last camera frame, as the same objects', () => {
    showFrameResult('camera', runResult(M, 1), 5);
    const earlier = state().activations!.tensors.get('features.1.0');
    const some = runResult(M, 2);
    showFrameResult('camera', { ...some, taps: some.taps.filter((t) => t.name !== 'features.1.0') }, 5);
    const shown = state().activations!;
    expect([...shown.tensors.keys()]).toEqual(['features.0.0', 'features.1.0', 'logits']);
    expect(stemValue('activations')).toBe(2);
    expect(shown.tensors.get('logits')!.data[0]).toBe(2);
    expect(shown.tensors.get('features.1.0')).toBe(earlier);
  });

  it('keeps nothing from a photo: a frame with some taps after a photo shows only those', async () => {
    const run = runPhotoInSlot('main', photo('kept.png'));
    fake.runs[0]!.answer(1);
    await run;
    const some = runResult(M, 2);
    showFrameResult('camera', { ...some, taps: some.taps.filter((t) => t.name === 'logits') }, 5);
    expect([...state().activations!.tensors.keys()]).toEqual(['logits']);
  });
});
