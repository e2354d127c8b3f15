import { errorText } from '../app/errorText';
import { getLut, COLORMAPS } from '../render/colormaps';
import { canvasToPng, drawGridExport } from '../render/exportGrid';
import { NORMALISATION_MODES, valueRange } from '../render/normalise';
import { statsCsvFileName, statsToCsv } from '../render/stats';
import { useAppStore, selectActivations, selectCurrentTap } from '../store/store';
import { downloadBlob } from './DownloadLayerButton';
import { gridModelOf } from './gridModel';
import { selectCurrentTensor } from '../store/store';

async function downloadGridPng(): Promise<void> {
  const s = useAppStore.getState();
  const tap = selectCurrentTap(s);
  const model = gridModelOf(selectCurrentTensor(s), s);
  if (!tap || !model || !s.activations) return;
  const { tensor, stats, channels } = model;
  const labels = tap.kind === 'logits' ? channels.map((c) => `${c} ${s.model?.manifest.labels[c] ?? ''}`) : channels.map(String);
  const norm = NORMALISATION_MODES.find((m) => m.id === s.normalisation)?.label ?? s.normalisation;
  const cmap = COLORMAPS.find((c) => c.id === s.colormap)?.label ?? s.colormap;
  const range = valueRange(tensor, 0, s.normalisation === 'channel' ? 'layer' : s.normalisation, undefined, stats);
  try {
    const { canvas } = drawGridExport({
      tensor,
      channels,
      rangeOf: (c) => valueRange(tensor, c, s.normalisation, undefined, stats),
      lut: getLut(s.colormap),
      labels,
      title: `${s.activations.photoName} · ${tap.name} (${tap.shape.join('×')}) · ${channels.length} channels · ${norm} · ${cmap}`,
      barRange: range,
      barCaption: s.normalisation === 'channel' ? 'layer range; each tile is stretched to its own min–max' : 'one scale for every tile',
    });
    downloadBlob(await canvasToPng(canvas), `${tap.name}_grid.png`);
  } catch (e) {
    useAppStore.setState({ photoError: `Could not export the grid: ${errorText(e)}` });
  }
}

function downloadStatsCsv(): void {
  const s = useAppStore.getState();
  const tap = selectCurrentTap(s);
  const model = gridModelOf(selectCurrentTensor(s), s);
  if (!tap || !model) return;
  downloadBlob(new Blob([statsToCsv(tap.name, model.stats)], { type: 'text/csv' }), statsCsvFileName(tap.name));
}

export function ExportButtons() {
  const activations = useAppStore(selectActivations);
  return (
    <>
      <button type="button" className="button" disabled={!activations} onClick={() => void downloadGridPng()}>
        Download grid (.png)
      </button>
      <button type="button" className="button" disabled={!activations} onClick={downloadStatsCsv}>
        Download statistics (.csv)
      </button>
    </>
  );
}
