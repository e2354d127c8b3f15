/**
 * Which taps a live camera frame brings back from the worker. Every tap of ConvNeXt-Atto is
 * 15.7 MB: copied out of WASM memory, moved to the page and left to its garbage collector
 * ten times a second, that took more of a two-core laptop than anything the page draws
 * (`docs/camera.md`). The grid, the channel detail, the colour bar, the overlay and the
 * predictions read only the chosen layer and the class scores, so most frames bring just
 * those; every FULL_FRAME_MS one brings every tap, for the network map (which follows the
 * camera at that pace anyway) and for the layers not on screen. Views that read every layer
 * (the journey, the Why view) get every tap with every frame. Pause makes the last frame a
 * photo, which runs with every tap like any photo.
 */
import type { Manifest } from '../model/manifest';
import { logitsTap } from '../model/taps';
import type { MainView } from '../store/teachingSlice';

/** How often a live frame brings every tap: the network map's own pace under the camera. */
export const FULL_FRAME_MS = 500;

/** Views that draw from the chosen layer (and the class scores) alone. */
const ONE_LAYER_VIEWS: ReadonlySet<MainView> = new Set(['grid', 'strongest', 'compare']);

export interface FrameTapsInput {
  manifest: Manifest;
  view: MainView;
  selectedTap: string | null;
  /** When the last frame with every tap was sent for this manifest (performance.now()), or null: none yet. */
  lastFullAt: number | null;
  now: number;
}

/** Names of the taps to fetch for this frame, in manifest order; null: every tap. */
export function frameTaps({ manifest, view, selectedTap, lastFullAt, now }: FrameTapsInput): string[] | null {
  if (lastFullAt === null || now - lastFullAt >= FULL_FRAME_MS || !ONE_LAYER_VIEWS.has(view)) return null;
  const wanted = new Set([selectedTap, logitsTap(manifest)?.name].filter((n): n is string => !!n && manifest.taps.some((t) => t.name === n)));
  if (wanted.size === 0) return null;
  return manifest.taps.filter((t) => wanted.has(t.name)).map((t) => t.name);
}
