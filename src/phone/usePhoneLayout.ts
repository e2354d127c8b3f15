import { useSyncExternalStore } from 'react';

/**
 * Below this width the page is laid out for a phone held upright: the grid comes first and
 * the channel toolbar and the network map move into the Controls sheet (layout.css keeps
 * the same breakpoint as PHONE_QUERY).
 */
export const PHONE_MAX_WIDTH_PX = 699;
export const PHONE_QUERY = `(max-width: ${PHONE_MAX_WIDTH_PX}px)`;

function subscribe(onChange: () => void): () => void {
  const query = matchMedia(PHONE_QUERY);
  query.addEventListener('change', onChange);
  return () => query.removeEventListener('change', onChange);
}

const isPhone = () => matchMedia(PHONE_QUERY).matches;

/** Whether the window is phone-sized now; re-renders when a phone turns or a window is resized across the line. */
export function usePhoneLayout(): boolean {
  return useSyncExternalStore(subscribe, isPhone, () => false);
}
