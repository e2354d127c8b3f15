/**
 * State of the *Why* view (src/components/WhyView.tsx): which class and method, the
 * occlusion settings, the model's class evidence head and the last occlusion map.
 * Assembled into the one store in store.ts; the async work is in whyActions.ts.
 */
import type { StateCreator } from 'zustand';
import type { ClassHead } from '../model/classHead';
import type { Progress } from '../worker/client';
import type { OcclusionResult } from '../worker/protocol';
import { DEFAULT_PATCH, DEFAULT_STRIDE } from '../worker/occlusionPlan';
import type { AppState } from './store';

export type WhyMethod = 'evidence' | 'occlusion';

export interface WhySlice {
  /** Class explained; null follows the photo's top prediction. */
  whyClass: number | null;
  whyMethod: WhyMethod;
  whyPatch: number;
  whyStride: number;
  whyOpacity: number;
  /** The loaded model's exact head (null head: it does not split, `reason` says why), per model. */
  whyHead: { modelId: string; head: ClassHead | null; reason: string | null } | null;
  /** The last finished occlusion map, with the photo run and model it belongs to. */
  occlusion: { result: OcclusionResult; runId: number; modelId: string } | null;
  /** Set while an occlusion runs. */
  occlusionProgress: Progress | null;
  occlusionError: string | null;
}

export const createWhySlice: StateCreator<AppState, [], [], WhySlice> = () => ({
  whyClass: null,
  whyMethod: 'evidence',
  whyPatch: DEFAULT_PATCH,
  whyStride: DEFAULT_STRIDE,
  whyOpacity: 0.6,
  whyHead: null,
  occlusion: null,
  occlusionProgress: null,
  occlusionError: null,
});
