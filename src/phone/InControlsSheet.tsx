import { useEffect, useState, type ReactNode } from 'react';
import { createPortal } from 'react-dom';
import { usePhoneLayout } from './usePhoneLayout';

/** The element in the Controls sheet that a view's own toolbar moves into on a phone. */
export const VIEW_TOOLS_SLOT_ID = 'controls-sheet-view-tools';

/**
 * A view's own toolbar (Filters, Examples): in place on a wide screen; on a phone in the
 * Controls sheet, as the channel toolbar is, so the view's first picture is on the first
 * screen. The slot is looked up after mount: the sheet is rendered in the same commit.
 */
export function InControlsSheet({ children }: { children: ReactNode }) {
  const phone = usePhoneLayout();
  const [slot, setSlot] = useState<HTMLElement | null>(null);
  useEffect(() => setSlot(phone ? document.getElementById(VIEW_TOOLS_SLOT_ID) : null), [phone]);
  if (!phone) return children;
  return slot ? createPortal(children, slot) : null;
}
