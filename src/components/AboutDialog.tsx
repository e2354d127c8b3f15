import { useRef } from 'react';
import { SAMPLES } from '../app/samples';
import { useAppStore, selectManifest } from '../store/store';

export function AboutDialog() {
  const ref = useRef<HTMLDialogElement>(null);
  const manifest = useAppStore(selectManifest);
  return (
    <>
      <button type="button" className="button button--quiet" onClick={() => ref.current?.showModal()}>
        About
      </button>
      <dialog ref={ref} className="about" aria-label="About ConvLens">
        <h2>About ConvLens</h2>
        <p>
          ConvLens runs a ConvNeXt with onnxruntime-web inside a Web Worker in this tab (WebGPU when your browser offers it, WebAssembly otherwise) and shows what
          every layer computes for your photo. Your photos never leave this browser.
        </p>
        {manifest && (
          <p>
            Model: <strong>{manifest.displayName}</strong> ({manifest.arch}), weights: {manifest.weights.description}. {manifest.taps.length} layers are
            tapped; names follow torchvision's module paths so they match PyTorch code.
          </p>
        )}
        <h3>Sample photos</h3>
        <ul>
          {SAMPLES.map((s) => (
            <li key={s.id}>
              {s.file}: {s.title}, {s.credit}
            </li>
          ))}
        </ul>
        <p>Sample photos come from scikit-image's data folder.</p>
        <form method="dialog">
          <button className="button">Close</button>
        </form>
      </dialog>
    </>
  );
}
