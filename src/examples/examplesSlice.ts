/**
 * The Examples view's state: the photos (kept in IndexedDB, src/examples/examplesDb.ts), the
 * examples found so far for the loaded model, and whether finding them runs. Assembled into
 * the one store in src/store/store.ts; the work is in examplesActions.ts.
 */
import type { StateCreator } from 'zustand';
import type { AppState } from '../store/store';
import type { StoredPhoto } from './examplesDb';
import type { TopKState } from './topK';

export interface SkippedPhoto {
  name: string;
  reason: string;
}

export interface ExampleResults {
  modelKey: string;
  /** null until a first photo went through this model. */
  state: TopKState | null;
  /** Photos already in `state`, by id. */
  processed: ReadonlySet<number>;
  /** Each processed photo's per-channel means (topK.ts meanOffsets). */
  means: ReadonlyMap<number, Float32Array>;
}

/** 'cancelled': stopped by Cancel (or a failure) until Continue; adding photos does not restart it. */
export type ExamplesRunStatus = 'idle' | 'running' | 'cancelled';

export interface ExamplesSlice {
  /** Read from IndexedDB yet (the view's first opening reads it). */
  examplesReady: boolean;
  examplePhotos: StoredPhoto[];
  exampleSkipped: SkippedPhoto[];
  examplesSamplesRemoved: boolean;
  exampleResults: ExampleResults | null;
  examplesRun: ExamplesRunStatus;
  /** A batch is in the worker or about to be sent: false once Cancel has really stopped. */
  examplesBusy: boolean;
  examplesError: string | null;
  /** The channel whose examples are open in the dialog. */
  exampleChannel: number | null;
}

export const createExamplesSlice: StateCreator<AppState, [], [], ExamplesSlice> = () => ({
  examplesReady: false,
  examplePhotos: [],
  exampleSkipped: [],
  examplesSamplesRemoved: false,
  exampleResults: null,
  examplesRun: 'idle',
  examplesBusy: false,
  examplesError: null,
  exampleChannel: null,
});

/** "12 of 37 photos": photos in the examples of the loaded model, of all photos. */
export function examplesProgress(s: Pick<AppState, 'examplePhotos' | 'exampleResults'>): { done: number; total: number } {
  const processed = s.exampleResults?.processed;
  const done = processed ? s.examplePhotos.filter((p) => processed.has(p.id)).length : 0;
  return { done, total: s.examplePhotos.length };
}
