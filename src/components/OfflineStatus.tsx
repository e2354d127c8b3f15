import { useOfflineStore } from '../offline/offlineStore';

/** One line about offline use: saving, saved, a waiting update (with its button), or why not. */
export function OfflineStatus() {
  const phase = useOfflineStore((s) => s.phase);
  const error = useOfflineStore((s) => s.error);
  const applyUpdate = useOfflineStore((s) => s.applyUpdate);
  if (error) return <p className="status__note" data-testid="offline-status" data-phase={phase}>{error}</p>;
  switch (phase) {
    case 'off':
      return null;
    case 'installing':
      return <p className="status__offline" data-testid="offline-status" data-phase={phase}>Saving the app, the model and the samples for offline use…</p>;
    case 'ready':
      return <p className="status__offline" data-testid="offline-status" data-phase={phase}>Works offline: the app, the model and the samples are saved in this browser.</p>;
    case 'update-ready':
      return (
        <p className="status__offline" data-testid="offline-status" data-phase={phase}>
          A new version of ConvLens is ready.{' '}
          <button type="button" onClick={() => applyUpdate?.()}>
            Update now
          </button>{' '}
          (reloads the page)
        </p>
      );
  }
}
