import { useMemo } from 'react';
import { filterLayout, type FilterLayout } from '../render/filters';
import { encodeNpy } from '../render/npy';
import { channelWindow } from '../render/gridLayout';
import { formatTickValue } from '../render/legend';
import type { LayerWeights } from '../model/layerWeights';
import type { Tap } from '../model/manifest';
import { tapOutputName } from '../model/taps';
import { useAppStore, selectCurrentTap, selectManifest } from '../store/store';
import { ChannelControls } from './ChannelControls';
import { ColourBarView } from './ColourBar';
import { downloadBlob } from './DownloadLayerButton';
import { FilterTiles } from './FilterTiles';
import { SortControls } from './SortControls';
import { InControlsSheet } from '../phone/InControlsSheet';
import { WeightHeatmap } from './WeightHeatmap';
import { WeightTables } from './WeightTables';
import { useGridModel } from './gridModel';
import { useLayerWeights } from './useLayerWeights';
import './filters.css';

/** A file name from an initializer's name ("onnx::MatMul_403" → "onnx__MatMul_403.npy"). */
function npyName(w: LayerWeights): string {
  return `${w.initializer.replace(/[^A-Za-z0-9._-]+/g, '_')}.npy`;
}

function DownloadWeightsButton({ weights }: { weights: LayerWeights | null }) {
  return (
    <button
      type="button"
      className="button"
      disabled={!weights}
      title={weights ? `${weights.initializer}, shape ${weights.dims.join('×')}, float32` : undefined}
      onClick={() => weights && downloadBlob(new Blob([encodeNpy(weights.data, weights.dims) as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' }), npyName(weights))}
    >
      Download weights (.npy)
    </button>
  );
}

/** Where the weights come from, in one sentence a student can check against the graph. */
function provenance(tap: Tap, w: LayerWeights): string {
  const after = w.after.length > 0 ? `, then ${[...new Set(w.after)].join(', ')} (bias, activation and reshapes between it and this tap)` : '';
  const stored = w.dequantize
    ? ` (stored as 8-bit integers q with the scale ${w.dequantize.scale}: shown and downloaded as the float32 weights DequantizeLinear makes, (q − zero point) × scale)`
    : w.before.includes('Cast')
      ? ' (stored as float16, shown and downloaded as float32)'
      : '';
  return `${tap.name} is made by ${w.opType} ${w.node}${after}. Its weight is the initializer ${w.initializer}, shape ${w.dims.join('×')}${stored}.`;
}

const KIND_CAPTION: Record<FilterLayout['kind'], string> = {
  rgb: 'Each filter is drawn as a small picture: a pixel’s red, green and blue are its weights on the red, green and blue inputs. Mid-grey is 0; full colour is the layer’s largest |weight|, the same scale for every filter.',
  kernels: 'One kernel per channel (depthwise: each channel is filtered on its own). Blue is negative, white 0, red positive, on one scale for the whole layer.',
  matrix: 'One row per output channel, one column per input (for a k×k convolution: input channel, then kernel row, then column). Blue is negative, white 0, red positive.',
};

/** The *Filters* view: the selected layer's own weights, drawn as the channels are. */
export function FiltersView() {
  const manifest = useAppStore(selectManifest);
  const tap = useAppStore(selectCurrentTap);
  const selected = useAppStore((s) => s.selectedChannel);
  const first = useAppStore((s) => s.firstChannel);
  const count = useAppStore((s) => s.channelCount);
  const grid = useGridModel();
  const state = useLayerWeights(manifest, tap ? tapOutputName(tap) : null);
  const weights = state?.status === 'done' && state.result.ok ? state.result.weights : null;
  const layout = useMemo(() => (weights ? filterLayout(weights) : null), [weights]);
  const drawn = layout && typeof layout !== 'string' ? layout : null;

  // Tiles follow the grid's order (sorting needs a photo's activations) and its window.
  const channels = useMemo(() => {
    if (!drawn) return [];
    if (grid && grid.dims.channels === drawn.outputs) return grid.channels;
    const win = channelWindow(drawn.outputs, first, count);
    return Array.from({ length: win.count }, (_, i) => win.first + i);
  }, [drawn, grid, first, count]);

  if (!manifest || !tap) return <div className="grid-empty">Waiting for the model…</div>;
  const shown = drawn ? (selected !== null && selected < drawn.outputs ? selected : (channels[0] ?? 0)) : 0;
  return (
    <section className="filters" aria-label="Filters" data-testid="filters" data-tap={tap.name} data-kind={drawn?.kind ?? 'none'}>
      <InControlsSheet>
        <div className="toolbar filters__toolbar">
          {drawn && drawn.kind !== 'matrix' && <ChannelControls />}
          {drawn && drawn.kind !== 'matrix' && <SortControls />}
          {drawn && drawn.kind !== 'rgb' && (
            <ColourBarView range={{ min: -drawn.maxAbs, max: drawn.maxAbs }} colormap="diverging" caption="Weights: blue negative, white 0, red positive." label="Weights" />
          )}
          <div className="toolbar__exports" role="group" aria-label="Export weights">
            <DownloadWeightsButton weights={weights} />
          </div>
        </div>
      </InControlsSheet>
      {state?.status === 'loading' && (
        // A div: p[role=status] is the page's one status line, which tests and helpers look for.
        <div className="grid-empty" role="status">
          Reading the weights of {tap.name} from the model file…
        </div>
      )}
      {state?.status === 'error' && (
        <p className="filters__error" role="alert">
          The weights of {tap.name} could not be read: {state.message}
        </p>
      )}
      {state?.status === 'done' && !state.result.ok && (
        <p className="grid-empty" data-testid="no-weights">
          {tap.name} has no weights of its own: {state.result.reason}.
        </p>
      )}
      {weights && typeof layout === 'string' && (
        <p className="grid-empty">
          {provenance(tap, weights)} It is not drawn: {layout}. Download it to look at it in Python.
        </p>
      )}
      {weights && drawn && (
        <>
          <p className="grid-caption" data-testid="filters-caption">
            {provenance(tap, weights)} {KIND_CAPTION[drawn.kind]}
            {drawn.kind === 'rgb' && ` Largest |weight|: ${formatTickValue(drawn.maxAbs)}.`}
          </p>
          {drawn.kind === 'matrix' ? (
            <WeightHeatmap tapName={tap.name} layout={drawn} selected={shown} requestedAt={state?.status === 'done' ? state.requestedAt : 0} />
          ) : (
            <FilterTiles tapName={tap.name} layout={drawn} channels={channels} selected={shown} requestedAt={state?.status === 'done' ? state.requestedAt : 0} />
          )}
          <WeightTables tapName={tap.name} layout={drawn} output={shown} />
        </>
      )}
    </section>
  );
}
