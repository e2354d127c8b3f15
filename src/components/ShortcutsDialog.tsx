import { useEffect, useRef } from 'react';
import { useAppStore } from '../store/store';

export const SHORTCUTS: readonly { keys: string; what: string }[] = [
  { keys: '← →', what: 'previous / next channel (the grid follows)' },
  { keys: '↑ ↓', what: 'previous / next layer' },
  { keys: 'Enter', what: 'open the focused tile large' },
  { keys: 'Home End', what: 'in the network map: first / last layer (the arrows walk along it)' },
  { keys: 'f', what: 'presenter view: large tiles, high contrast, full screen' },
  { keys: 'Space', what: 'pause / resume the camera while it is on' },
  { keys: '?', what: 'this list' },
  { keys: 'Esc', what: 'close a dialog, leave the presenter view' },
  { keys: 'Tab', what: 'move between controls; every control has a label' },
];

export function ShortcutsDialog() {
  const open = useAppStore((s) => s.shortcutsOpen);
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);
  return (
    <dialog ref={ref} className="about shortcuts" aria-labelledby="shortcuts-title" onClose={() => useAppStore.setState({ shortcutsOpen: false })}>
      <h2 id="shortcuts-title">Keyboard shortcuts</h2>
      <p className="hint">Arrow keys work whenever the focus is not in a form control (a slider or a list uses them itself).</p>
      <dl className="shortcuts__list">
        {SHORTCUTS.map((s) => (
          <div key={s.keys}>
            <dt>
              <kbd>{s.keys}</kbd>
            </dt>
            <dd>{s.what}</dd>
          </div>
        ))}
      </dl>
      <form method="dialog">
        <button className="button">Close</button>
      </form>
    </dialog>
  );
}
