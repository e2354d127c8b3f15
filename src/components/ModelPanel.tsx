import { useEffect, useState } from 'react';
import { megabytes } from '../model/limits';
import { inputFromRepo, NORMALISATION_PRESETS } from '../model/deriveManifest';
import { bundledManifestUrl, clearModelCache, configureForeignInput, loadForeignModel, loadModel, refreshCachedModels } from '../store/modelActions';
import { useAppStore, selectCachedModels, selectModel, selectModels } from '../store/store';
import { acceptFiles } from './useGlobalPhotoDrop';
import { FileButton } from './FileButton';
import { DEFAULT_REVISION, fileUrl } from '../app/hub';
import { CHECKPOINT_PRESETS, loadHubLinkValue, TRAINED_PRESET, TRAINED_PRESET_LINK } from '../store/hubActions';
import { DownloadBuiltModel } from './DownloadBuiltModel';

const FOREIGN = '__foreign__';
const PRESET_URL = fileUrl({ repo: TRAINED_PRESET.repo, revision: DEFAULT_REVISION }, 'onnx/model_fp16.onnx');

function ModelMenu() {
  const models = useAppStore(selectModels);
  const model = useAppStore(selectModel);
  const preset = model?.modelUrl === PRESET_URL;
  const checkpointPreset = CHECKPOINT_PRESETS.find((p) => model?.modelUrl === fileUrl({ repo: p.repo, revision: DEFAULT_REVISION }, p.file));
  const foreign = model?.source && !preset && !checkpointPreset ? model : null;
  const value = preset ? TRAINED_PRESET_LINK : checkpointPreset ? checkpointPreset.link : foreign ? FOREIGN : (model?.manifest.id ?? '');
  return (
    <label className="field">
      <span>Model</span>
      <select
        aria-label="Model"
        value={value}
        onChange={(e) => {
          const link = e.currentTarget.value;
          if (link === TRAINED_PRESET_LINK || CHECKPOINT_PRESETS.some((p) => p.link === link)) return void loadHubLinkValue(link);
          const entry = models.find((m) => m.id === e.currentTarget.value);
          // The address bar drops ?model= by itself once a bundled model is loaded (src/app/addressBar.ts).
          if (entry) void loadModel(bundledManifestUrl(entry));
        }}
      >
        {models.map((m) => (
          <option key={m.id} value={m.id}>
            {m.displayName} ({megabytes(m.bytes)})
          </option>
        ))}
        <option value={TRAINED_PRESET_LINK}>
          {TRAINED_PRESET.label} ({TRAINED_PRESET.sizeText})
        </option>
        {CHECKPOINT_PRESETS.map((p) => (
          <option key={p.link} value={p.link}>
            {p.label}
          </option>
        ))}
        {foreign && <option value={FOREIGN}>Your model: {foreign.manifest.displayName}</option>}
      </select>
    </label>
  );
}

function UrlForm() {
  const [url, setUrl] = useState('');
  return (
    <form
      className="model-url"
      onSubmit={(e) => {
        e.preventDefault();
        const trimmed = url.trim();
        if (!trimmed) return;
        let absolute: string;
        try {
          absolute = new URL(trimmed, document.baseURI).href;
        } catch {
          useAppStore.setState({ modelError: `"${trimmed}" is not a URL.` });
          return;
        }
        void loadForeignModel({ kind: 'url', url: absolute, cache: true });
      }}
    >
      <input type="text" inputMode="url" aria-label="Model URL" placeholder="https://…/model.onnx" value={url} onChange={(e) => setUrl(e.currentTarget.value)} />
      <button type="submit" className="button">
        Load model
      </button>
    </form>
  );
}

const triple = (text: string): [number, number, number] | null => {
  const parts = text.split(/[\s,]+/).filter(Boolean).map(Number);
  return parts.length === 3 && parts.every(Number.isFinite) ? (parts as [number, number, number]) : null;
};

/** Input size (dynamic models) and normalisation of a foreign model. */
function InputSettings() {
  const model = useAppStore(selectModel);
  const manifest = model?.manifest;
  const [size, setSize] = useState('');
  const [mean, setMean] = useState('');
  const [std, setStd] = useState('');
  useEffect(() => {
    if (!manifest) return;
    setSize(String(manifest.input.cropSize));
    setMean(manifest.input.mean.join(', '));
    setStd(manifest.input.std.join(', '));
  }, [manifest]);
  if (!manifest?.derived) return null;
  const { input, derived } = manifest;
  const preset = input.normalisation ?? 'imagenet';
  const choice = { size: input.cropSize, normalisation: preset, mean: input.mean, std: input.std };
  const fromRepo = inputFromRepo(input);
  // A graph built from a checkpoint: its pipeline is the checkpoint family's own; another size rebuilds the graph.
  const builtHere = manifest.weights.source === 'checkpoint';
  const sizeEditable = derived.dynamicSize || builtHere;
  const labelsText = {
    metadata: `${manifest.labels.length} labels from the model's metadata`,
    file: `${manifest.labels.length} labels from your labels.txt`,
    imagenet: 'ImageNet-1k labels (1000 classes)',
    config: `${manifest.labels.length} labels from the repo's config.json`,
    food101: "Food-101 labels (torchvision's order): the checkpoint's 101-way head came without names",
    none: 'no labels: drop a labels.txt (one class per line) to name the classes',
  }[derived.labelsSource];
  return (
    <div className="model-input" data-testid="model-input">
      <p className="hint">
        Input <code>{input.name}</code> · {input.layout} {input.shape.join('×')} · resize {input.resizeSize}, centre crop {input.cropSize} · {labelsText}
      </p>
      {builtHere && (
        <p className="hint" data-testid="model-input-source">
          {manifest.weights.description}.{' '}
          {fromRepo ? 'Resize, crop and mean/std follow its preprocessor_config.json.' : 'Another input size rebuilds the graph from the checkpoint.'}
        </p>
      )}
      {fromRepo ? (
        !builtHere && (
          <p className="hint" data-testid="model-input-source">
            Resize, crop and mean/std follow the repo&apos;s <code>preprocessor_config.json</code> exactly ({input.interpolation}); they are not
            changed here, so the numbers stay those of the model&apos;s own pipeline.
          </p>
        )
      ) : (
        <>
          <div className="model-input__row">
            {sizeEditable && (
              <label className="field">
                <span>Input size</span>
                <input type="number" aria-label="Input size" min={16} max={1024} step={1} value={size} onChange={(e) => setSize(e.currentTarget.value)} />
              </label>
            )}
            <label className="field">
              <span>Input normalisation</span>
              <select
                aria-label="Input normalisation"
                value={preset}
                onChange={(e) => {
                  const id = e.currentTarget.value;
                  if (id !== 'custom') void configureForeignInput({ ...choice, normalisation: id });
                  else useAppStore.setState({ model: model && { ...model, manifest: { ...manifest, input: { ...input, normalisation: 'custom' } } } });
                }}
              >
                {NORMALISATION_PRESETS.map((p) => (
                  <option key={p.id} value={p.id}>
                    {p.label}
                  </option>
                ))}
                <option value="custom">Custom mean/std</option>
              </select>
            </label>
          </div>
          {preset === 'custom' && (
            <div className="model-input__row">
              <label className="field">
                <span>Mean (R, G, B)</span>
                <input aria-label="Mean" value={mean} onChange={(e) => setMean(e.currentTarget.value)} />
              </label>
              <label className="field">
                <span>Std (R, G, B)</span>
                <input aria-label="Std" value={std} onChange={(e) => setStd(e.currentTarget.value)} />
              </label>
            </div>
          )}
          <button
            type="button"
            className="button"
            onClick={() => {
              const m = triple(mean);
              const s = triple(std);
              const n = Number(size);
              if (preset === 'custom' && (!m || !s)) {
                useAppStore.setState({ modelError: 'Mean and std need three numbers each, e.g. 0.5, 0.5, 0.5.' });
                return;
              }
              if (sizeEditable && !(Number.isInteger(n) && n >= 16 && n <= 1024)) {
                useAppStore.setState({ modelError: 'The input size must be a whole number from 16 to 1024.' });
                return;
              }
              void configureForeignInput({ size: n, normalisation: preset, ...(preset === 'custom' ? { mean: m!, std: s! } : {}) });
            }}
          >
            Apply input settings
          </button>
        </>
      )}
    </div>
  );
}

function CachedModels() {
  const cached = useAppStore(selectCachedModels);
  useEffect(() => {
    void refreshCachedModels();
  }, []);
  return (
    <div className="cached-models">
      <h3>Cached models</h3>
      {cached.length === 0 ? (
        <p className="hint">None. Models loaded from a URL are kept here, so a reload does not download them again.</p>
      ) : (
        <ul aria-label="Cached models">
          {cached.map((c) => (
            <li key={c.url}>
              <span className="cached-models__url" title={c.url}>
                {decodeURIComponent(new URL(c.url).pathname.split('/').pop() || c.url)}
              </span>{' '}
              <span className="cached-models__size">{megabytes(c.bytes)}</span>
            </li>
          ))}
        </ul>
      )}
      <button type="button" className="button" disabled={cached.length === 0} onClick={() => void clearModelCache()}>
        Clear cached models
      </button>
    </div>
  );
}

export function ModelPanel() {
  return (
    <section className="panel model-panel" aria-label="Models">
      <h2>Model</h2>
      <ModelMenu />
      <FileButton
        label="Choose model"
        multiple
        accept=".onnx,.data,.bin,.txt,.safetensors,.pth,.pt,.json,application/octet-stream"
        onFiles={(files) => acceptFiles(files)}
      />
      <p className="hint">
        Or drop an ONNX image classifier (with its external data file, and a labels.txt if you have one) anywhere on the page, or a ConvNeXt checkpoint
        (.safetensors, .pth, .pt, .bin; with its config.json and labels if you have them): its graph is built in the page.
      </p>
      <DownloadBuiltModel />
      <UrlForm />
      <InputSettings />
      <CachedModels />
    </section>
  );
}
