import { bundledManifestUrl, loadModel } from '../store/modelActions';
import { useAppStore, selectActivations, selectManifest, selectModels } from '../store/store';

export function Predictions() {
  const activations = useAppStore(selectActivations);
  const manifest = useAppStore(selectManifest);
  // A trained network's "before": the bundled untrained one, so a class sees what training changed.
  const untrained = useAppStore(selectModels).find((m) => !m.trained && m.id !== manifest?.id);
  if (!manifest) return null;
  return (
    <section className="panel predictions" aria-label="Predictions">
      <h2>Top-5 predictions</h2>
      {manifest.limitation ? (
        <p className="warning" data-testid="model-limitation">
          <strong>Limited network.</strong> {manifest.limitation}
          {manifest.trained && untrained && (
            <>
              {' '}
              <button type="button" className="button button--small" onClick={() => void loadModel(bundledManifestUrl(untrained))}>
                Before training: {untrained.displayName}
              </button>
            </>
          )}
        </p>
      ) : !manifest.trained && (
        <p className="warning" data-testid="untrained-warning">
          <strong>Untrained weights.</strong> This model ({manifest.weights.description}) has never seen a photo, so its predictions are meaningless. The activations still
          show how the architecture transforms an image. Load trained weights with <code>model/export.py --weights imagenet</code> or <code>--checkpoint</code>
          {' '}(see the README).
        </p>
      )}
      {activations ? (
        <ol className="predictions__list">
          {activations.top5.map((p) => (
            <li key={p.index}>
              <span className="predictions__label">{p.label.replaceAll('_', ' ')}</span>
              <span className="predictions__bar" style={{ width: `${(p.probability * 100).toFixed(1)}%` }} aria-hidden="true" />
              <span className="predictions__p">{(p.probability * 100).toFixed(1)}%</span>
            </li>
          ))}
        </ol>
      ) : (
        <p className="hint">Predictions appear after the first photo.</p>
      )}
    </section>
  );
}
