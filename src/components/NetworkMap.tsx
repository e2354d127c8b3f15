import { useDeferredValue, useEffect, useLayoutEffect, useRef, type KeyboardEvent, type RefObject } from 'react';
import { useCameraStore } from '../camera/cameraStore';
import { groupTapsByStage, kindLabel, shapeLabel } from '../model/taps';
import { thumbnailOf } from '../render/mapThumbnail';
import { selectLayer } from '../store/viewActions';
import { useAppStore, selectActivations, selectColormap, selectManifest, selectSelectedTap } from '../store/store';
import { MapCanvas } from './MapCanvas';
import { asMap, layerMeanMap } from '../render/layerData';
import type { ColormapId } from '../render/colormaps';
import type { LayerTensor } from '../render/types';
import { useAtMostEvery } from './useAtMostEvery';

const THUMB_PX = 30;
/** Room kept under the map on the first screen (the panel's padding and border). */
const BOTTOM_GAP_PX = 20;
const MIN_HEIGHT_PX = 160;
/**
 * While the camera runs, the thumbnails follow it twice a second: averaging all 43 layers and
 * redrawing their canvases for every frame took a quarter of a core on a 2-core laptop
 * (docs/camera.md), time the model needs; the grid itself follows every frame.
 */
const LIVE_THUMBNAIL_MS = 500;

/**
 * Keeps the map on the first screen: as tall as the room left under the photo, scrolling
 * inside itself beyond that. On a phone the map is a sideways strip and needs no limit.
 */
function useFitFirstScreen(el: RefObject<HTMLDivElement | null>, shown: boolean): void {
  useLayoutEffect(() => {
    const list = el.current;
    if (!list) return;
    const narrow = matchMedia('(max-width: 800px)');
    const fit = () => {
      if (narrow.matches) {
        list.style.maxHeight = '';
        return;
      }
      const top = list.getBoundingClientRect().top + scrollY;
      list.style.maxHeight = `${Math.max(MIN_HEIGHT_PX, Math.floor(innerHeight - top - BOTTOM_GAP_PX))}px`;
    };
    fit();
    // What sits above the map (the bar's notes, the photo's caption) can change its height.
    const observer = new ResizeObserver(fit);
    // Every panel above it (the photo, the camera) moves it: the rail's size covers them all.
    const rail = list.closest('.rail');
    if (rail) observer.observe(rail);
    const bar = document.querySelector('.app-bar');
    if (bar) observer.observe(bar);
    addEventListener('resize', fit);
    return () => {
      observer.disconnect();
      removeEventListener('resize', fit);
    };
  }, [el, shown]);
}

/**
 * The whole network, stage by stage: every tap is a button with a tiny mean-activation
 * thumbnail of the current photo. Clicking one selects that layer everywhere (picker,
 * grid, address bar); arrow keys walk along it. Only the current item is in the tab
 * order (a roving tabindex), so the map is one stop for keyboard users.
 */
export function NetworkMap() {
  const manifest = useAppStore(selectManifest);
  const selected = useAppStore(selectSelectedTap);
  const colormap = useAppStore(selectColormap);
  // Thumbnails are drawn after the grid: the grid is what the class waits for.
  const live = useCameraStore((s) => s.state === 'live');
  const activations = useDeferredValue(useAtMostEvery(useAppStore(selectActivations), live ? LIVE_THUMBNAIL_MS : 0));
  const list = useRef<HTMLDivElement>(null);
  const focusFollows = useRef(false);
  useFitFirstScreen(list, manifest !== null);

  useEffect(() => {
    if (!focusFollows.current) return;
    focusFollows.current = false;
    list.current?.querySelector<HTMLButtonElement>('[aria-current="true"]')?.focus();
  }, [selected]);

  if (!manifest) return null;
  const taps = manifest.taps;
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const i = taps.findIndex((t) => t.name === selected);
    const step = e.key === 'ArrowDown' || e.key === 'ArrowRight' ? 1 : e.key === 'ArrowUp' || e.key === 'ArrowLeft' ? -1 : 0;
    let next = -1;
    if (step !== 0) next = Math.max(0, Math.min(taps.length - 1, i + step));
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = taps.length - 1;
    else return;
    // The page's own arrow keys (channel and layer) must not act as well.
    e.preventDefault();
    e.stopPropagation();
    focusFollows.current = true;
    selectLayer(taps[next]!.name);
  };

  return (
    <nav className="network-map" aria-label="Network map">
      <h2 className="rail__title">Network</h2>
      <div className="network-map__stages" ref={list} onKeyDown={onKeyDown}>
        {groupTapsByStage(taps).map((g) => (
          <div key={g.stage} className="network-map__stage" role="group" aria-label={g.label}>
            <span className="network-map__label" aria-hidden="true">
              {g.label}
            </span>
            <div className="network-map__taps">
              {g.taps.map((tap) => {
                const current = tap.name === selected;
                const tensor = activations?.tensors.get(tap.name);
                return (
                  <button
                    key={tap.name}
                    type="button"
                    className={`network-map__tap network-map__tap--${tap.kind}`}
                    aria-label={`Show layer ${tap.name}`}
                    aria-current={current ? 'true' : undefined}
                    tabIndex={current || (!selected && tap === taps[0]) ? 0 : -1}
                    title={`${tap.name} · ${tap.op ?? kindLabel(tap.kind)} · ${shapeLabel(tap.shape)}`}
                    onClick={() => selectLayer(tap.name)}
                  >
                    {tensor ? <TapThumbnail tensor={tensor} colormap={colormap} /> : <span className="network-map__empty" style={{ width: THUMB_PX, height: THUMB_PX }} />}
                  </button>
                );
              })}
            </div>
          </div>
        ))}
      </div>
    </nav>
  );
}

/**
 * One tap's mean map, a component of its own: the map's deferred render can then yield
 * between taps instead of averaging all of them (15 MB on Atto) in one main-thread task.
 */
function TapThumbnail({ tensor, colormap }: { tensor: LayerTensor; colormap: ColormapId }) {
  const thumb = thumbnailOf(asMap(tensor), () => layerMeanMap(asMap(tensor)));
  return <MapCanvas values={thumb.values} width={thumb.width} height={thumb.height} range={thumb.range} colormap={colormap} label="" size={THUMB_PX} />;
}
