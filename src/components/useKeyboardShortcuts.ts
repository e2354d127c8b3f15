import { useEffect } from 'react';
import { useAppStore } from '../store/store';
import { moveChannel, moveLayer, togglePresenter } from '../store/viewActions';

/** Keys belong to a form control (slider, select, text) while it has the focus. */
function inFormControl(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || target.closest('input, select, textarea') !== null;
}

/** Arrow keys move channel and layer, `f` the presenter view, `?` the list of keys, Escape leaves the presenter view. */
export function useKeyboardShortcuts(): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || inFormControl(e.target)) return;
      const s = useAppStore.getState();
      const dialogOpen = s.detailOpen || s.shortcutsOpen || document.querySelector('dialog[open]') !== null;
      switch (e.key) {
        case 'ArrowLeft':
        case 'ArrowRight':
          e.preventDefault();
          moveChannel(e.key === 'ArrowLeft' ? -1 : 1);
          return;
        case 'ArrowUp':
        case 'ArrowDown':
          if (dialogOpen && !s.detailOpen) return;
          e.preventDefault();
          moveLayer(e.key === 'ArrowUp' ? -1 : 1);
          return;
        case 'f':
        case 'F':
          if (dialogOpen) return;
          e.preventDefault();
          togglePresenter();
          return;
        case '?':
          e.preventDefault();
          useAppStore.setState({ shortcutsOpen: true });
          return;
        case 'Escape':
          // Native dialogs close themselves on Escape; with none open, Escape leaves the presenter view.
          if (!dialogOpen && s.presenter) togglePresenter();
          return;
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}
