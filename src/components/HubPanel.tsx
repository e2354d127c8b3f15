/**
 * Models from the Hugging Face Hub: an id or pasted link, the repo's ONNX weights with
 * their sizes, a link to the model card, and *Cancel download* while files come in.
 * The one progress bar in bytes is the status line's *Model download*.
 */
import { useState } from 'react';
import './hub.css';
import { megabytesText, modelCardUrl } from '../app/hub';
import { answerHubQuestion, cancelHubDownload, chooseHubWeights, loadFromHubText, loadHubLinkValue, OFFER_PRESET } from '../store/hubActions';
import { selectHubNotice, selectHubPhase, selectHubQuestion, selectHubRepo } from '../store/hubSlice';
import { bundledManifestUrl, loadModel } from '../store/modelActions';
import { selectLoadProgress, selectModel, selectModels, selectStatus, useAppStore } from '../store/store';

function Weights() {
  const repo = useAppStore(selectHubRepo);
  const model = useAppStore(selectModel);
  if (!repo) return null;
  const loadedHere = repo.loadedUrl !== null && model?.modelUrl === repo.loadedUrl;
  return (
    <div className="hub__repo" data-testid="hub-repo">
      <label className="field">
        <span>Weights</span>
        <select aria-label="Weights" value={repo.chosen} onChange={(e) => void chooseHubWeights(e.currentTarget.value)}>
          {repo.variants.map((v) => (
            <option key={v.key} value={v.key}>
              {v.key.endsWith('.onnx') ? `${v.path} · ` : ''}
              {v.label}
            </option>
          ))}
        </select>
      </label>
      <p className="hint">
        <a href={modelCardUrl(repo.ref)} target="_blank" rel="noopener noreferrer">
          Model card: {repo.ref.repo}
        </a>
        {loadedHere ? ' · loaded' : ''}
        {repo.offline ? ' · offline: file list from the cache' : ''}
      </p>
    </div>
  );
}

function Downloading() {
  const phase = useAppStore(selectHubPhase);
  const status = useAppStore(selectStatus);
  const progress = useAppStore(selectLoadProgress);
  const downloading = phase !== 'idle' || (status === 'loading-model' && progress?.stage === 'download');
  if (!downloading) return null;
  return (
    <p className="hub__downloading">
      <span data-testid="hub-progress">
        {phase === 'listing' ? 'Listing the repo’s files…' : progress?.total ? `${megabytesText(progress.loaded)} of ${megabytesText(progress.total)}` : 'Downloading…'}
      </span>{' '}
      <button type="button" className="button" onClick={() => cancelHubDownload()}>
        Cancel download
      </button>
    </p>
  );
}

function Question() {
  const question = useAppStore(selectHubQuestion);
  if (!question) return null;
  return (
    <div role="alert" className="hub__question">
      <p>{question}</p>
      <button type="button" className="button" onClick={() => answerHubQuestion(true)}>
        Use ImageNet defaults
      </button>{' '}
      <button type="button" className="button" onClick={() => answerHubQuestion(false)}>
        Don’t load
      </button>
    </div>
  );
}

export function HubPanel() {
  const [text, setText] = useState('');
  const notice = useAppStore(selectHubNotice);
  return (
    <section className="panel hub-panel" aria-label="Hugging Face">
      <h2>Hugging Face</h2>
      <form
        className="model-url hub__form"
        onSubmit={(e) => {
          e.preventDefault();
          void loadFromHubText(text);
        }}
      >
        <input
          type="text"
          aria-label="Hugging Face model"
          placeholder="owner/name, e.g. Xenova/convnext-tiny-224"
          value={text}
          onChange={(e) => setText(e.currentTarget.value)}
        />
        <button type="submit" className="button">
          Load from Hugging Face
        </button>
      </form>
      <p className="hint">An id (owner/name, owner/name@revision) or a link to a model page or file. Public ONNX image models only.</p>
      <Downloading />
      <Question />
      {notice && (
        <p className="hint" data-testid="hub-notice">
          {notice}
        </p>
      )}
      <Weights />
    </section>
  );
}

const REFUSED_KEY = 'convlens.trainedOffer.refused';

function refusedBefore(): boolean {
  try {
    return localStorage.getItem(REFUSED_KEY) === '1';
  } catch {
    return false;
  }
}

/** While the loaded network is untrained: one click to a trained one, or "no thanks" (remembered). */
export function TrainedOffer() {
  const model = useAppStore(selectModel);
  const phase = useAppStore(selectHubPhase);
  const [refused, setRefused] = useState(refusedBefore);
  // A bundled trained network (the drawn-shapes one) needs no download: offline too.
  const bundled = useAppStore(selectModels).find((m) => m.trained);
  if (!model || model.manifest.trained || refused || phase !== 'idle') return null;
  return (
    <div className="trained-offer" role="region" aria-label="Trained network">
      <p>
        This network is untrained: its predictions mean nothing. See what the same ConvNeXt-Atto sees once trained on ImageNet-1k ({OFFER_PRESET.repo}, from
        Hugging Face, built in the page).
      </p>
      <button type="button" className="button button--primary" onClick={() => void loadHubLinkValue(OFFER_PRESET.link)}>
        See a trained network: {OFFER_PRESET.sizeText} download
      </button>{' '}
      {bundled && (
        <>
          <button type="button" className="button" onClick={() => void loadModel(bundledManifestUrl(bundled))}>
            Offline: {bundled.displayName}
          </button>{' '}
        </>
      )}
      <button
        type="button"
        className="button"
        onClick={() => {
          try {
            localStorage.setItem(REFUSED_KEY, '1');
          } catch {
            // private mode: refused for this page only
          }
          setRefused(true);
        }}
      >
        No thanks
      </button>
    </div>
  );
}
