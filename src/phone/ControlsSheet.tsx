import { useRef, type ReactNode } from 'react';
import { VIEW_TOOLS_SLOT_ID } from './InControlsSheet';
import './phone.css';

/**
 * On a phone the channel toolbar and the network map wait in a bottom sheet, so the first
 * screen is the grid's (a view with its own toolbar puts it here too: InControlsSheet.tsx).
 * One button opens it; it is a modal dialog (focus moves into it, Escape or Close returns to
 * the button), and it covers only the lower part of the screen, so the grid stays in sight
 * above it while a slider moves.
 */
export function ControlsSheet({ children }: { children: ReactNode }) {
  const dialog = useRef<HTMLDialogElement>(null);
  return (
    <>
      <button type="button" className="button button--secondary controls-button" aria-haspopup="dialog" onClick={() => dialog.current?.showModal()}>
        Controls
      </button>
      <dialog
        ref={dialog}
        className="controls-sheet"
        aria-label="Controls"
        data-testid="controls-sheet"
        // A tap on the backdrop (the dialog element itself, outside its content) closes it.
        onClick={(e) => e.target === e.currentTarget && e.currentTarget.close()}
      >
        <div className="controls-sheet__body">
          <div className="controls-sheet__head">
            <h2 className="controls-sheet__title">Controls</h2>
            <button type="button" className="button button--small" onClick={() => dialog.current?.close()}>
              Close
            </button>
          </div>
          {children}
          {/* The toolbar of a view that has its own (Filters, Examples) moves in here: InControlsSheet.tsx. */}
          <div id={VIEW_TOOLS_SLOT_ID} className="controls-sheet__view-tools" />
        </div>
      </dialog>
    </>
  );
}
