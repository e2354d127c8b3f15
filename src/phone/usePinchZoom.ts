import { useEffect } from 'react';
import { pinchZoom } from './gestures';

/** What two fingers zoom: the channel detail's enlarged map. */
const ZOOMABLE = '[data-testid="detail-channel"]';

/**
 * On a phone two fingers on the channel detail's enlarged map zoom it (CSS zoom, so its box,
 * the probe's position under a finger and anything laid over it scale together); one finger
 * pans it inside its figure. The map asks the browser for panning only (touch-action in
 * phone.css), so the pinch comes here instead of zooming the whole page. The zoom lasts while
 * the dialog is open (stepping through channels keeps it): closing it unmounts the map.
 */
export function usePinchZoom(): void {
  useEffect(() => {
    const fingers = new Map<number, { x: number; y: number }>();
    let start: { el: HTMLElement; distance: number; zoom: number } | null = null;
    const spread = () => {
      const [a, b] = [...fingers.values()];
      return a && b ? Math.hypot(a.x - b.x, a.y - b.y) : 0;
    };
    const down = (e: PointerEvent) => {
      const el = e.pointerType === 'touch' && e.target instanceof HTMLElement ? e.target.closest<HTMLElement>(ZOOMABLE) : null;
      if (!el) return;
      fingers.set(e.pointerId, { x: e.clientX, y: e.clientY });
      if (fingers.size === 2) start = { el, distance: spread(), zoom: Number(el.dataset.zoom ?? 1) };
    };
    const move = (e: PointerEvent) => {
      if (!fingers.has(e.pointerId)) return;
      fingers.set(e.pointerId, { x: e.clientX, y: e.clientY });
      if (!start || fingers.size !== 2) return;
      const el = start.el;
      const before = Number(el.dataset.zoom ?? 1);
      const zoom = pinchZoom(start.zoom, start.distance, spread());
      // The point between the fingers stays under them: the map's figure scrolls by what grew before it.
      const [a, b] = [...fingers.values()];
      const r = el.getBoundingClientRect();
      const grow = zoom / before - 1;
      el.dataset.zoom = zoom.toFixed(3);
      el.style.zoom = String(zoom);
      const scroller = el.closest('figure');
      if (scroller && a && b) scroller.scrollBy(((a.x + b.x) / 2 - r.left) * grow, ((a.y + b.y) / 2 - r.top) * grow);
    };
    const up = (e: PointerEvent) => {
      fingers.delete(e.pointerId);
      if (fingers.size < 2) start = null;
    };
    document.addEventListener('pointerdown', down);
    document.addEventListener('pointermove', move);
    document.addEventListener('pointerup', up);
    document.addEventListener('pointercancel', up);
    return () => {
      document.removeEventListener('pointerdown', down);
      document.removeEventListener('pointermove', move);
      document.removeEventListener('pointerup', up);
      document.removeEventListener('pointercancel', up);
      };
  }, []);
}
