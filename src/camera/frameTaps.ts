/**
 * Which taps a live camera frame brings back from the worker. Every tap of ConvNeXt-Atto is
 * 15.7 MB: copied out of WASM memory, moved to the page and left to its garbage collector
 * ten times a second, that took more of a two-core laptop than anything the page draws
 * (`docs/camera.md`). The grid, the channel detail, the colour bar, the overlay and the
 * predictions read only the chosen layer and the class scores, so each frame brings those,
 * plus the next slice of the other layers in turn: every layer is fresh every ROUND_FRAMES
 * frames, for the network map (which follows the camera twice a second anyway) and for a layer
 * picked while live, and the copying is spread evenly over the frames instead of one frame
 * now and then bringing all 15.7 MB. The first frame of a camera or a model brings
 * every tap; so does every frame of a view that reads every layer (the journey, the Why view).
 * Pause makes the last frame a photo, which runs with every tap like any photo.
 */
import type { Manifest } from '../model/manifest';
import { logitsTap } from '../model/taps';
import type { MainView } from '../store/teachingSlice';

/** Frames in which every layer is brought back once, a slice per frame. */
export const ROUND_FRAMES = 5;

/** Views that draw from the chosen layer (and the class scores) alone. */
const ONE_LAYER_VIEWS: ReadonlySet<MainView> = new Set(['grid', 'strongest', 'compare', 'filters']);

export interface FrameTapsInput {
  manifest: Manifest;
  view: MainView;
  selectedTap: string | null;
  /** Frames sent since the last one with every tap for this manifest; null: none yet. */
  sinceFull: number | null;
}

/** Names of the taps to fetch for this frame, in manifest order; null: every tap. */
export function frameTaps({ manifest, view, selectedTap, sinceFull }: FrameTapsInput): string[] | null {
  if (sinceFull === null || !ONE_LAYER_VIEWS.has(view)) return null;
  const chunk = Math.ceil(manifest.taps.length / ROUND_FRAMES);
  const start = (sinceFull % ROUND_FRAMES) * chunk;
  const wanted = new Set(manifest.taps.slice(start, start + chunk).map((t) => t.name));
  for (const name of [selectedTap, logitsTap(manifest)?.name]) if (name && manifest.taps.some((t) => t.name === name)) wanted.add(name);
  return manifest.taps.filter((t) => wanted.has(t.name)).map((t) => t.name);
}

/** The camera's count of frames since the last one with every tap, per model, between frames. */
export class FrameTapsCursor {
  private manifest: Manifest | null = null;
  private frames = 0;

  /** The taps for the next frame sent (frameTaps), counting it. */
  next(manifest: Manifest, view: MainView, selectedTap: string | null): string[] | null {
    const sinceFull = this.manifest === manifest ? this.frames : null;
    const taps = frameTaps({ manifest, view, selectedTap, sinceFull });
    this.manifest = manifest;
    this.frames = taps === null ? 0 : (sinceFull ?? 0) + 1;
    return taps;
  }

  /** The camera stopped: its next frame brings every tap. */
  reset(): void {
    this.manifest = null;
  }
}
