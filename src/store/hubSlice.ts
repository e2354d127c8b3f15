/**
 * Hugging Face Hub state: the repo whose files the panel lists, the chosen weights,
 * what the panel is doing, and a question waiting for the user (a preprocessing
 * field the app does not understand). Assembled into the one store in store.ts;
 * the async work is in hubActions.ts.
 */
import type { StateCreator } from 'zustand';
import type { HubRef, OnnxVariant } from '../app/hub';
import type { AppState } from './store';

export interface HubRepoState {
  ref: HubRef;
  variants: OnnxVariant[];
  /** Key of the variant chosen in *Weights* ("" = float32 onnx/model.onnx). */
  chosen: string;
  /** The file URL of the variant that is loaded now (null while none of this repo is). */
  loadedUrl: string | null;
  /** The file list came from the cache: the Hub was not reachable. */
  offline: boolean;
}

export type HubPhase = 'idle' | 'listing' | 'downloading';

export interface HubSlice {
  hubRepo: HubRepoState | null;
  hubPhase: HubPhase;
  /** A plain note (not an error), e.g. that a download was cancelled. */
  hubNotice: string | null;
  /** preprocessor_config.json had something the app does not understand: the question shown. */
  hubQuestion: string | null;
}

export const createHubSlice: StateCreator<AppState, [], [], HubSlice> = () => ({
  hubRepo: null,
  hubPhase: 'idle',
  hubNotice: null,
  hubQuestion: null,
});

export const selectHubRepo = (s: AppState) => s.hubRepo;
export const selectHubPhase = (s: AppState) => s.hubPhase;
export const selectHubNotice = (s: AppState) => s.hubNotice;
export const selectHubQuestion = (s: AppState) => s.hubQuestion;
