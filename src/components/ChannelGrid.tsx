import { useEffect, useLayoutEffect, useRef } from 'react';
import { renderChannel } from '../render/channelImage';
import { getLut } from '../render/colormaps';
import { valueRange } from '../render/normalise';
import { formatTickValue } from '../render/legend';
import {
  useAppStore,
  selectColormap,
  selectCurrentTap,
  selectActivations,
  selectManifest,
  selectNormalisation,
  selectStatus,
  selectTileSize,
} from '../store/store';
import { openChannel } from '../store/viewActions';
import { recordGridPaint } from './gridPaints';
import { tileDescription, useGridModel } from './gridModel';

/** Tile side in presenter mode: large enough to read from the back of a room. */
export const PRESENTER_TILE_SIZE = 200;

/** Tiles this far outside the viewport are painted too, so a short scroll never shows a stale tile. */
const OFFSCREEN_MARGIN_PX = 300;

function nearViewport(el: Element): boolean {
  const r = el.getBoundingClientRect();
  return r.bottom >= -OFFSCREEN_MARGIN_PX && r.top <= window.innerHeight + OFFSCREEN_MARGIN_PX && r.width > 0;
}

export function ChannelGrid() {
  const model = useGridModel();
  const tap = useAppStore(selectCurrentTap);
  const manifest = useAppStore(selectManifest);
  const status = useAppStore(selectStatus);
  const tileSize = useAppStore(selectTileSize);
  const colormap = useAppStore(selectColormap);
  const normalisation = useAppStore(selectNormalisation);
  const activations = useAppStore(selectActivations);
  const selected = useAppStore((s) => s.selectedChannel);
  const view = useAppStore((s) => s.view);
  const presenter = useAppStore((s) => s.presenter);
  const canvases = useRef<(HTMLCanvasElement | null)[]>([]);
  const lastPaintedRun = useRef(-1);
  // Tiles off screen are painted when they scroll into view: a 384-channel layer at full
  // window would otherwise repaint every tile on each change (`npm run bench`, repaint).
  const stale = useRef(new Set<number>());
  // Whether each slot is near the viewport, as the IntersectionObserver last said: asking the
  // layout for every tile on every camera frame costs the page a forced layout per frame.
  const near = useRef(new Map<number, boolean>());
  const paintSlot = useRef<(slot: number) => void>(() => undefined);
  const channelsKey = model?.channels.join(',') ?? '';

  // All tiles are painted in one pass per change; slots are reused while the window slides.
  useLayoutEffect(() => {
    if (!model) return;
    const { tensor, dims, stats, channels } = model;
    const started = performance.now();
    const lut = getLut(colormap);
    const image = new ImageData(dims.width, dims.height);
    const paint = (slot: number): void => {
      const canvas = canvases.current[slot];
      const channel = channels[slot];
      if (!canvas || channel === undefined) return;
      if (canvas.width !== dims.width || canvas.height !== dims.height) {
        canvas.width = dims.width;
        canvas.height = dims.height;
      }
      renderChannel(image.data, tensor, channel, valueRange(tensor, channel, normalisation, undefined, stats), lut);
      canvas.getContext('2d')?.putImageData(image, 0, 0);
    };
    paintSlot.current = paint;
    stale.current = new Set();
    const newRun = activations != null && activations.runId !== lastPaintedRun.current;
    let firstTile = newRun;
    channels.forEach((_, slot) => {
      const canvas = canvases.current[slot];
      if (!canvas) return;
      if (near.current.get(slot) ?? nearViewport(canvas)) {
        paint(slot);
        // Read by `npm run bench`: photo dropped → the first tile a class sees.
        if (firstTile) performance.mark('convlens:first-tile', { detail: { runId: activations?.runId } });
        firstTile = false;
      } else stale.current.add(slot);
    });
    recordGridPaint(performance.now() - started);
    if (newRun && activations) {
      // Read by `npm run bench`: photo dropped → last tile of its grid painted.
      lastPaintedRun.current = activations.runId;
      performance.mark('convlens:painted', {
        detail: { runId: activations.runId, decodeMs: activations.decodeMs, preprocessMs: activations.preprocessMs, inferenceMs: activations.inferenceMs, resultMs: activations.totalMs },
      });
    }
  }, [model?.tensor, channelsKey, colormap, normalisation]);

  useEffect(() => {
    const observer = new IntersectionObserver(
      (entries) => {
        for (const entry of entries) {
          const slot = Number((entry.target as HTMLElement).dataset.slot);
          near.current.set(slot, entry.isIntersecting);
          if (entry.isIntersecting && stale.current.delete(slot)) paintSlot.current(slot);
        }
      },
      { rootMargin: `${OFFSCREEN_MARGIN_PX}px 0px` },
    );
    near.current = new Map();
    for (const canvas of canvases.current) if (canvas) observer.observe(canvas);
    // A print (or a full-page capture that emulates print media) shows every tile at once.
    const paintAll = () => {
      for (const slot of [...stale.current]) if (stale.current.delete(slot)) paintSlot.current(slot);
    };
    const printMedia = matchMedia('print');
    const onPrintMedia = (e: MediaQueryListEvent) => e.matches && paintAll();
    window.addEventListener('beforeprint', paintAll);
    printMedia.addEventListener('change', onPrintMedia);
    return () => {
      observer.disconnect();
      window.removeEventListener('beforeprint', paintAll);
      printMedia.removeEventListener('change', onPrintMedia);
    };
    // Slots keep their canvas while the window slides or a new run arrives: only a new
    // number of tiles brings new canvases to observe (not every frame of a slider drag).
  }, [model?.channels.length]);

  if (!manifest || !tap) return <div className="grid-empty">Waiting for the model…</div>;
  if (!model) {
    return <div className="grid-empty">{status === 'running' ? 'Running the network…' : 'Choose a photo to see what this layer responds to.'}</div>;
  }
  if (model.channels.length === 0) {
    return <div className="grid-empty">All {model.dims.channels} channels of {tap.name} are constant for this photo and hidden; untick “Hide dead channels” to see them.</div>;
  }
  const labels = tap.kind === 'logits' ? manifest.labels : null;
  const size = presenter ? Math.max(tileSize, PRESENTER_TILE_SIZE) : tileSize;
  return (
    <>
      {view === 'strongest' && (
        <p className="grid-caption" data-testid="strongest-caption">
          The {model.channels.length} channels of <code>{tap.name}</code> with the highest mean activation for {activations?.photoName}, strongest first.
        </p>
      )}
      <div
        className="channel-grid"
        data-testid="channel-grid"
        data-tap={tap.name}
        data-photo={activations?.photoName}
        data-run={activations?.runId}
        data-first={model.first}
        data-count={model.count}
        data-channels={channelsKey}
        style={{ gridTemplateColumns: `repeat(auto-fill, minmax(${size}px, 1fr))` }}
      >
        {model.channels.map((channel, slot) => {
          const caption =
            view === 'strongest'
              ? `${channel} · mean ${formatTickValue(model.stats.mean[channel]!)}`
              : labels
                ? `${channel} ${labels[channel] ?? ''}`
                : String(channel);
          return (
            <button
              key={slot}
              type="button"
              className={`tile${selected === channel ? ' tile--selected' : ''}`}
              // The visible caption is part of the name (WCAG 2.5.3: a voice-control user says what they see).
              aria-label={caption === String(channel) ? `${tap.name} channel ${channel}` : `${tap.name} channel ${caption}`}
              aria-description={tileDescription(model.stats, channel)}
              data-channel={channel}
              style={{ width: size }}
              onClick={() => openChannel(channel)}
            >
              <canvas
                data-slot={slot}
                ref={(el) => {
                  canvases.current[slot] = el;
                }}
                style={{ width: size, height: size }}
              />
              <span className="tile__index">{caption}</span>
            </button>
          );
        })}
      </div>
    </>
  );
}
