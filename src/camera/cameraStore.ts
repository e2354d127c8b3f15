/**
 * The camera's own small store (kept apart from the app store, as the offline store is):
 * what the camera panel and the status line show. The logic is in cameraController.ts.
 */
import { create } from 'zustand';
import type { PhotoRef } from '../store/types';
import type { BackendName } from '../worker/protocol';
import type { CameraDevice } from './devices';

/** off: no stream; starting: asking for the camera; live: frames run; paused: stream stopped, last frame is the photo. */
export type CameraState = 'off' | 'starting' | 'live' | 'paused';

export interface CameraStoreState {
  state: CameraState;
  /** Frames shown per second over the last second, updated about once a second. */
  fps: number;
  backend: BackendName | null;
  devices: CameraDevice[];
  deviceId: string | null;
  mirror: boolean;
  /** The last processed frame as a PNG, once paused or stopped: it is then the app's photo. */
  frozen: PhotoRef | null;
}

export const useCameraStore = create<CameraStoreState>()(() => ({
  state: 'off',
  fps: 0,
  backend: null,
  devices: [],
  deviceId: null,
  mirror: true,
  frozen: null,
}));

/** `camera · 9.8 fps · wasm` while the camera runs, else null. */
export function cameraStatusText(s: Pick<CameraStoreState, 'state' | 'fps' | 'backend'>): string | null {
  if (s.state === 'starting') return 'camera · starting…';
  if (s.state !== 'live') return null;
  return `camera · ${s.fps.toFixed(1)} fps${s.backend ? ` · ${s.backend}` : ''}`;
}
