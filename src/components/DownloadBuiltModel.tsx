/**
 * *Download model (.onnx)* for a network built in the page from a checkpoint: the graph the
 * session runs (every tap an output) and a manifest.json beside it, so a teacher can bundle it
 * into a deployment like the default model (model/README.md, "A checkpoint built in the page").
 */
import { useState } from 'react';
import { errorText } from '../app/errorText';
import { bundledManifest } from '../checkpoint/bundledManifest';
import { selectModel, useAppStore } from '../store/store';
import { inferenceClient } from '../store/workerClient';
import { downloadBlob } from './DownloadLayerButton';

async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

export function DownloadBuiltModel() {
  const model = useAppStore(selectModel);
  const [busy, setBusy] = useState(false);
  if (!model || model.manifest.weights.source !== 'checkpoint') return null;
  const { manifest } = model;
  return (
    <div className="download-built">
      <button
        type="button"
        className="button"
        disabled={busy}
        onClick={() => {
          setBusy(true);
          void (async () => {
            try {
              const bytes = await inferenceClient().modelBytes();
              downloadBlob(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' }), manifest.file.name);
              const json = JSON.stringify(bundledManifest(manifest, await sha256Hex(bytes), bytes.byteLength), null, 2);
              downloadBlob(new Blob([`${json}\n`], { type: 'application/json' }), 'manifest.json');
            } catch (e) {
              useAppStore.setState({ modelError: `The built model could not be downloaded: ${errorText(e)}` });
            } finally {
              setBusy(false);
            }
          })();
        }}
      >
        Download model (.onnx)
      </button>
      <p className="hint">The graph built from the checkpoint, every layer an output, and its manifest.json: bundle them like the default model.</p>
    </div>
  );
}
