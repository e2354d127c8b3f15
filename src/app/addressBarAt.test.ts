import { beforeEach, describe, expect, it } from 'vitest';
import { applyViewState, searchOf } from './addressBar';
import { loadModel } from '../store/modelActions';
import { useAppStore } from '../store/store';
import { freshApp, manifestUrl, testManifest } from '../store/testing/fakeInference';

beforeEach(() => {
  freshApp([testManifest('model-a')]);
});

const at = () => new URLSearchParams(searchOf(useAppStore.getState(), '')).get('at');

describe('the address bar and the explained position (at=ROW,COL)', () => {
  it('opens the channel detail at a position inside the layer, and ignores one outside it', async () => {
    await loadModel(manifestUrl('model-a'));
    applyViewState({ layer: 'features.0.0', channel: 1, at: '1,0' });
    expect(useAppStore.getState()).toMatchObject({ selectedChannel: 1, selectedPosition: { row: 1, col: 0 }, detailOpen: true });
    expect(at()).toBe('1,0');
    useAppStore.setState({ selectedPosition: null, detailOpen: false });
    applyViewState({ layer: 'features.0.0', channel: 1, at: '2,0' }); // the map is 2×2
    expect(useAppStore.getState()).toMatchObject({ selectedPosition: null, detailOpen: false });
    expect(at()).toBeNull();
  });

  it('writes the position only while it lies inside the current layer', async () => {
    await loadModel(manifestUrl('model-a'));
    useAppStore.setState({ selectedTap: 'features.0.0', selectedChannel: 0, selectedPosition: { row: 1, col: 1 } });
    expect(at()).toBe('1,1');
    useAppStore.setState({ selectedPosition: { row: 5, col: 1 } });
    expect(at()).toBeNull();
    useAppStore.setState({ selectedChannel: null, selectedPosition: { row: 0, col: 0 } });
    expect(at()).toBeNull();
  });
});
