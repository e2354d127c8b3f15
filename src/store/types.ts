import type { Manifest } from '../model/manifest';
import type { LayerTensor } from '../render/types';
import type { Prediction } from '../render/predictions';
import type { BackendInfo, ModelSource, RgbaImage } from '../worker/protocol';
import type { ForeignModelOptions } from './modelActions';

/**
 * A photo as the app keeps it, for photo A (slot 'main'), photo B (slot 'compare') and a
 * paused camera frame alike: enough to run it again on another model or a restarted worker
 * and to put it in a link.
 */
export interface PhotoRef {
  blob: Blob;
  name: string;
  /** Id of the bundled sample this photo is, or null for the user's own file (which cannot travel in a link). */
  sampleId: string | null;
  /** Notes known before the run (e.g. that several files were dropped and this one is shown). */
  notes: string[];
}

export type AppStatus = 'idle' | 'loading-model' | 'ready' | 'running' | 'error';

export interface ModelEntry {
  id: string;
  displayName: string;
  /** Manifest URL relative to public/models/index.json. */
  manifest: string;
  trained: boolean;
  bytes: number;
}

/** Everything one photo's run produced, ready for the views. */
export interface Activations {
  runId: number;
  photoName: string;
  /** Id of the bundled sample this photo is, or null for the user's own file (which cannot travel in a link). */
  sampleId: string | null;
  tensors: Map<string, LayerTensor>;
  crop: RgbaImage;
  source: { width: number; height: number };
  top5: Prediction[];
  decodeMs: number;
  preprocessMs: number;
  inferenceMs: number;
  /** Photo dropped to result received, as the user felt it. */
  totalMs: number;
}

export interface LoadedModelInfo {
  manifest: Manifest;
  /** '' for a foreign model, which has no manifest file. */
  manifestUrl: string;
  modelUrl: string;
  /** Foreign models only: where it came from, so a restarted worker can load it again. */
  source?: ModelSource;
  /** What `?model=` says for this model (a URL or an hf: link); absent for a bundled model or dropped files. */
  link?: string;
  /** Foreign models from the Hugging Face Hub: how to load it again the same way (name, hf: link, preprocessing). */
  reload?: ForeignModelOptions;
  /** Foreign models loaded from a URL: served from Cache Storage, not downloaded. */
  fromCache?: boolean;
  backend: BackendInfo;
  compileMs: number;
}
