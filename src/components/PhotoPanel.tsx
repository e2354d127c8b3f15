import { useEffect, useRef } from 'react';
import { SAMPLES, sampleUrl } from '../app/samples';
import { runSample } from '../store/photoActions';
import { useAppStore, selectActivations, selectManifest } from '../store/store';
import { acceptFiles } from './useGlobalPhotoDrop';
import { FileButton } from './FileButton';
import { inputHint } from '../model/hfPreprocessor';
import { drawRgba } from '../render/drawRgba';

function CropCanvas() {
  const activations = useAppStore(selectActivations);
  const manifest = useAppStore(selectManifest);
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const canvas = ref.current;
    if (!canvas || !activations) return;
    drawRgba(canvas, activations.crop);
  }, [activations]);
  if (!activations) {
    return (
      <div className="crop crop--empty">
        <p>Drop a food photo anywhere, paste one, choose a file, or pick a sample.</p>
      </div>
    );
  }
  return (
    <figure className="crop" title={manifest ? inputHint(manifest.input) : undefined}>
      <canvas ref={ref} className="crop__canvas" aria-label={`The ${activations.crop.width}×${activations.crop.height} crop the model saw of ${activations.photoName}`} role="img" />
      <figcaption>
        <span className="crop__name">{activations.photoName}</span>
        <span className="crop__dims">
          {activations.source.width}×{activations.source.height} → resized, centre crop {activations.crop.width}×{activations.crop.height}
        </span>
      </figcaption>
    </figure>
  );
}

export function PhotoPanel() {
  const manifest = useAppStore(selectManifest);
  return (
    <section className="panel photo" aria-label="Photo">
      <h2>Photo</h2>
      <div className="photo__body">
        <CropCanvas />
        <div className="samples" role="group" aria-label="Sample photos">
          {SAMPLES.map((s) => (
            <button key={s.id} type="button" className="sample" onClick={() => void runSample(s)} title={`${s.title} (${s.credit})`}>
              <img src={sampleUrl(s)} alt="" width={48} height={48} loading="lazy" />
              <span>{s.title}</span>
            </button>
          ))}
        </div>
      </div>
      <FileButton label="Choose photo" accept="image/*" onFiles={(files) => acceptFiles(files)} />
      {/* torchvision's resize and crop is in the crop's caption; another model's own pipeline is worth a line. */}
      {manifest?.input.convention === 'transformers' && <p className="hint">{inputHint(manifest.input)}</p>}
    </section>
  );
}
