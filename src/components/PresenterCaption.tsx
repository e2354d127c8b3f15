import { channelWindow, windowLabel } from '../render/gridLayout';
import { useAppStore, selectActivations, selectCurrentTap, selectChannelCount, selectFirstChannel } from '../store/store';
import { CropImage } from './MapCanvas';
import { togglePresenter } from '../store/viewActions';

/** Presenter view's only words: one line naming what the class sees, and the way out. */
export function PresenterCaption() {
  const tap = useAppStore(selectCurrentTap);
  const activations = useAppStore(selectActivations);
  const first = useAppStore(selectFirstChannel);
  const count = useAppStore(selectChannelCount);
  const view = useAppStore((s) => s.view);
  if (!tap) return null;
  const total = tap.shape[0] ?? 1;
  return (
    <div className="presenter-caption" data-testid="presenter-caption">
      {activations && <CropImage crop={activations.crop} label={`The photo: ${activations.photoName}`} size={40} />}
      <span className="presenter-caption__text">
        <code>{tap.name}</code> · {tap.shape.join('×')} · {view === 'strongest' ? 'strongest channels' : windowLabel(channelWindow(total, first, count), total)}
        {activations && <> · {activations.photoName}</>}
      </span>
      <button type="button" className="chip" aria-pressed="true" aria-keyshortcuts="f" onClick={togglePresenter}>
        Presenter view
      </button>
    </div>
  );
}
