import { useAppStore, selectActivations, selectLoadProgress, selectModel, selectRunProgress, selectStatus } from '../store/store';
import type { Progress } from '../worker/client';
import type { BackendInfo } from '../worker/protocol';
import { useOfflineStore } from '../offline/offlineStore';
import { OfflineStatus } from './OfflineStatus';
import { CameraStatusText } from './CameraStatusText';

function megabytes(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

export function backendLabel(b: BackendInfo): string {
  if (b.name === 'webgpu') return `webgpu${b.adapter ? ` (${b.adapter})` : ''}`;
  return `wasm · ${b.threads} thread${b.threads === 1 ? '' : 's'}`;
}

/** The same words from the drop to the result: a photo's steps (decode, run) take a fraction of a second. */
const PHOTO_RUN = 'Running the network on the photo…';

function progressText(p: Progress | null, what: 'model' | 'photo'): string {
  if (!p) return what === 'model' ? 'Loading model…' : PHOTO_RUN;
  switch (p.stage) {
    case 'download':
      return p.total ? `Downloading model: ${megabytes(p.loaded)} of ${megabytes(p.total)}` : `Downloading model: ${megabytes(p.loaded)}`;
    case 'read':
      return p.total ? `Reading model file: ${megabytes(p.loaded)} of ${megabytes(p.total)}` : 'Reading model file…';
    case 'analyse':
      return p.loaded === 0 ? 'Analysing the graph: finding its layers…' : 'Analysing the graph: learning layer shapes from a first run…';
    case 'build':
      return p.loaded === 0 ? "Reading the checkpoint's weights…" : 'Building the ConvNeXt graph from the weights…';
    case 'compile':
      return 'Preparing the model for this device…';
    case 'decode':
    case 'inference':
      return PHOTO_RUN;
    case 'occlusion':
      return `Occlusion: ${p.loaded} of ${p.total ?? '?'} patches`;
  }
}

export function StatusLine() {
  const status = useAppStore(selectStatus);
  const model = useAppStore(selectModel);
  const loadProgress = useAppStore(selectLoadProgress);
  const runProgress = useAppStore(selectRunProgress);
  const activations = useAppStore(selectActivations);
  const threadsOffReason = useOfflineStore((s) => s.threadsOffReason);
  const downloading = status === 'loading-model' && (loadProgress?.stage === 'download' || loadProgress?.stage === 'read');
  return (
    <div className="status">
      <p role="status" aria-live="polite" className="status__line" data-status={status}>
        {model && (
          <>
            <strong>{model.manifest.displayName}</strong>
            {' · '}
            <span data-testid="backend">{backendLabel(model.backend)}</span>
            {model.fromCache && <> · from cache</>}
            {activations && (
              <>
                {' · '}
                <span data-testid="inference-ms">{Math.round(activations.inferenceMs)} ms</span> inference
              </>
            )}
          </>
        )}
        <CameraStatusText />
        {status === 'loading-model' && <> {model ? ' · ' : ''}{progressText(loadProgress, 'model')}</>}
        {/* One text for the whole run of a photo, and no bar: any change on the page while the
            network runs is a frame of paint, layerize and commit (20-55 ms on this page's
            ~100 canvas layers) on the cores its threads need (npm run bench, README Speed). */}
        {status === 'running' && <> · {progressText(runProgress, 'photo')}</>}
        {status === 'idle' && 'Starting…'}
      </p>
      {model?.backend.fallbackReason && <p className="status__note" data-testid="backend-fallback">{model.backend.fallbackReason}</p>}
      {model && !model.backend.crossOriginIsolated && model.backend.name === 'wasm' && (
        <p className="status__note" data-testid="threads-off">
          {threadsOffReason ?? 'Threads are off: this page is not cross-origin isolated (the server sends no COOP/COEP headers).'}
        </p>
      )}
      <OfflineStatus />
      {status === 'loading-model' && (
        <progress
          className="status__progress"
          aria-label="Model download"
          max={downloading && loadProgress?.total ? loadProgress.total : undefined}
          value={downloading && loadProgress?.total ? loadProgress.loaded : undefined}
        />
      )}
    </div>
  );
}
