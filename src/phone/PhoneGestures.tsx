import { useEffect, useRef, useState } from 'react';
import { tapOptionLabel } from '../model/taps';
import { useAppStore, selectManifest, selectSelectedTap } from '../store/store';
import { moveLayer } from '../store/viewActions';
import { swipeStep } from './gestures';
import { usePinchZoom } from './usePinchZoom';

/** How long the layer's name stays up after a swipe. */
const NAME_SHOWN_MS = 1800;
const GRID = '[data-testid="channel-grid"]';

/**
 * The phone's touch gestures. A sideways swipe on the grid moves to the previous or next
 * layer (as the network map's arrow keys do) and shows the layer's name for a moment; two
 * fingers zoom the channel detail (usePinchZoom.ts). Touch and pen strokes only: a mouse drag
 * on a laptop selects nothing new. The grid lets the browser pan it vertically only
 * (phone.css), so a sideways stroke comes here instead of scrolling.
 */
export function PhoneGestures() {
  usePinchZoom();
  const manifest = useAppStore(selectManifest);
  const selected = useAppStore(selectSelectedTap);
  const [shown, setShown] = useState<string | null>(null);
  const hide = useRef<ReturnType<typeof setTimeout> | null>(null);

  useEffect(() => {
    let stroke: { id: number; x: number; y: number } | null = null;
    const down = (e: PointerEvent) => {
      if (e.pointerType === 'mouse' || !(e.target instanceof Element) || !e.target.closest(GRID)) return;
      // A second finger makes it a pinch, not a swipe.
      stroke = stroke ? null : { id: e.pointerId, x: e.clientX, y: e.clientY };
    };
    const up = (e: PointerEvent) => {
      if (!stroke || e.pointerId !== stroke.id) return;
      const step = swipeStep(e.clientX - stroke.x, e.clientY - stroke.y);
      stroke = null;
      if (step === 0) return;
      moveLayer(step);
      setShown(useAppStore.getState().selectedTap);
      if (hide.current) clearTimeout(hide.current);
      hide.current = setTimeout(() => setShown(null), NAME_SHOWN_MS);
    };
    const cancel = () => {
      stroke = null;
    };
    document.addEventListener('pointerdown', down);
    document.addEventListener('pointerup', up);
    document.addEventListener('pointercancel', cancel);
    return () => {
      document.removeEventListener('pointerdown', down);
      document.removeEventListener('pointerup', up);
      document.removeEventListener('pointercancel', cancel);
      if (hide.current) clearTimeout(hide.current);
    };
  }, []);

  const taps = manifest?.taps ?? [];
  const index = taps.findIndex((t) => t.name === selected);
  const tap = taps[index];
  return (
    <div className="swipe-layer" role="status" data-testid="swipe-layer" hidden={!shown || !tap}>
      {shown && tap ? `${tapOptionLabel(tap)} · layer ${index + 1} of ${taps.length}` : ''}
    </div>
  );
}
