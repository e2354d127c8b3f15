import { encodeNpy } from '../render/npy';
import { useAppStore, selectCurrentTensor } from '../store/store';
import { nextDownloadSlot } from './downloadPacing';

let downloadFreeAt = 0;

/** Saves `blob` as `fileName`; a burst of calls is spaced out (downloadPacing.ts) so Chromium drops none. */
export function downloadBlob(blob: Blob, fileName: string): void {
  const slot = nextDownloadSlot(downloadFreeAt, performance.now());
  downloadFreeAt = slot.nextFreeAt;
  const start = () => {
    const url = URL.createObjectURL(blob);
    const a = document.createElement('a');
    a.href = url;
    a.download = fileName;
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  };
  if (slot.delayMs === 0) start();
  else setTimeout(start, slot.delayMs);
}

export function DownloadLayerButton() {
  const tensor = useAppStore(selectCurrentTensor);
  return (
    <button
      type="button"
      className="button"
      disabled={!tensor}
      onClick={() => {
        if (!tensor) return;
        const bytes = encodeNpy(tensor.data, tensor.shape);
        downloadBlob(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' }), `${tensor.name}.npy`);
      }}
    >
      Download layer (.npy)
    </button>
  );
}
