/**
 * The one app store, assembled from slices. Components read single fields through
 * the named selectors at the bottom. The work that changes it is in one module per
 * concern: photoActions.ts (running photos), modelActions.ts (loading models),
 * viewActions.ts (layer, channel window, presenter), hubActions.ts, whyActions.ts;
 * startup.ts starts the app and src/app/addressBar.ts mirrors it in the address bar.
 */
import { create, type StateCreator } from 'zustand';
import type { ColormapId } from '../render/colormaps';
import type { NormalisationMode } from '../render/normalise';
import type { BackendChoice, RunSlot } from '../worker/protocol';
import type { Progress } from '../worker/client';
import type { CachedModel } from '../app/modelCache';
import type { Activations, AppStatus, LoadedModelInfo, ModelEntry, PhotoRef } from './types';
import { createTeachingSlice, type TeachingSlice } from './teachingSlice';
import { createWhySlice, type WhySlice } from './whySlice';
import { createHubSlice, type HubSlice } from './hubSlice';
import { createExamplesSlice, type ExamplesSlice } from '../examples/examplesSlice';

export interface ModelSlice {
  status: AppStatus;
  backendChoice: BackendChoice;
  models: ModelEntry[];
  model: LoadedModelInfo | null;
  loadProgress: Progress | null;
  modelError: string | null;
  /** Models kept in Cache Storage (src/app/modelCache.ts). */
  cachedModels: CachedModel[];
}

export interface RunSlice {
  activations: Activations | null;
  runProgress: Progress | null;
  photoError: string | null;
  /** Informational line about the last photo (e.g. several files dropped). */
  photoNotice: string | null;
  /**
   * The photo of each slot: 'main' is photo A (the grid, journey, why), 'compare' is photo B.
   * Kept so another model or a restarted worker can run them again: nothing the user did is lost.
   */
  photos: Record<RunSlot, PhotoRef | null>;
}

export interface ViewSlice {
  selectedTap: string | null;
  firstChannel: number;
  channelCount: number;
  tileSize: number;
  colormap: ColormapId;
  normalisation: NormalisationMode;
  selectTap: (name: string) => void;
  setFirstChannel: (first: number) => void;
  setChannelCount: (count: number) => void;
  setTileSize: (size: number) => void;
  setColormap: (id: ColormapId) => void;
  setNormalisation: (mode: NormalisationMode) => void;
}

export type AppState = ModelSlice & RunSlice & ViewSlice & TeachingSlice & WhySlice & HubSlice & ExamplesSlice;

export const createModelSlice: StateCreator<AppState, [], [], ModelSlice> = () => ({
  status: 'idle',
  backendChoice: 'auto',
  models: [],
  model: null,
  loadProgress: null,
  modelError: null,
  cachedModels: [],
});

export const createRunSlice: StateCreator<AppState, [], [], RunSlice> = () => ({
  activations: null,
  runProgress: null,
  photoError: null,
  photoNotice: null,
  photos: { main: null, compare: null },
});

export const DEFAULT_TILE_SIZE = 96;

export const createViewSlice: StateCreator<AppState, [], [], ViewSlice> = (set) => ({
  selectedTap: null,
  firstChannel: 0,
  channelCount: 128,
  tileSize: DEFAULT_TILE_SIZE,
  colormap: 'viridis',
  normalisation: 'channel',
  selectTap: (name) => set({ selectedTap: name }),
  setFirstChannel: (first) => set({ firstChannel: first }),
  setChannelCount: (count) => set({ channelCount: count }),
  setTileSize: (size) => set({ tileSize: size }),
  setColormap: (id) => set({ colormap: id }),
  setNormalisation: (mode) => set({ normalisation: mode }),
});

export const useAppStore = create<AppState>()((...a) => ({
  ...createModelSlice(...a),
  ...createRunSlice(...a),
  ...createViewSlice(...a),
  ...createTeachingSlice(...a),
  ...createWhySlice(...a),
  ...createHubSlice(...a),
  ...createExamplesSlice(...a),
}));

export const selectStatus = (s: AppState) => s.status;
export const selectModel = (s: AppState) => s.model;
export const selectManifest = (s: AppState) => s.model?.manifest ?? null;
export const selectActivations = (s: AppState) => s.activations;
export const selectSelectedTap = (s: AppState) => s.selectedTap;
export const selectLoadProgress = (s: AppState) => s.loadProgress;
export const selectRunProgress = (s: AppState) => s.runProgress;
export const selectError = (s: AppState) => s.photoError ?? s.modelError;
export const selectPhotoNotice = (s: AppState) => s.photoNotice;
export const selectColormap = (s: AppState) => s.colormap;
export const selectNormalisation = (s: AppState) => s.normalisation;
export const selectTileSize = (s: AppState) => s.tileSize;
export const selectFirstChannel = (s: AppState) => s.firstChannel;
export const selectChannelCount = (s: AppState) => s.channelCount;
export const selectModels = (s: AppState) => s.models;
export const selectCachedModels = (s: AppState) => s.cachedModels;

/** The tensor of the chosen layer for the current photo, if any. */
export const selectCurrentTensor = (s: AppState) =>
  s.selectedTap && s.activations ? (s.activations.tensors.get(s.selectedTap) ?? null) : null;

export const selectCurrentTap = (s: AppState) => s.model?.manifest.taps.find((t) => t.name === s.selectedTap) ?? null;
