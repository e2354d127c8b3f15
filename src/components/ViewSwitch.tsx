import { useAppStore } from '../store/store';
import type { MainView } from '../store/teachingSlice';
import { togglePresenter } from '../store/viewActions';

const VIEWS: readonly { id: MainView; label: string }[] = [
  { id: 'grid', label: 'Channels' },
  { id: 'filters', label: 'Filters' },
  { id: 'strongest', label: 'Strongest channels' },
  { id: 'journey', label: 'Journey' },
  { id: 'compare', label: 'Compare' },
  { id: 'why', label: 'Why' },
  { id: 'examples', label: 'Examples' },
];

export function ViewSwitch() {
  const view = useAppStore((s) => s.view);
  const presenter = useAppStore((s) => s.presenter);
  return (
    <div className="view-switch">
      <div role="group" aria-label="View" className="view-switch__views">
        {VIEWS.map((v) => (
          <button key={v.id} type="button" className="chip" aria-pressed={view === v.id} onClick={() => useAppStore.setState({ view: v.id })}>
            {v.label}
          </button>
        ))}
      </div>
      <div className="view-switch__tools">
        <button type="button" className="chip" aria-pressed={presenter} onClick={togglePresenter} aria-keyshortcuts="f">
          Presenter view
        </button>
        <button type="button" className="chip" onClick={() => useAppStore.setState({ shortcutsOpen: true })} aria-keyshortcuts="?">
          Keyboard shortcuts
        </button>
      </div>
    </div>
  );
}
