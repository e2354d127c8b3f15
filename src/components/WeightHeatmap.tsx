import { useLayoutEffect, useRef } from 'react';
import { getLut } from '../render/colormaps';
import { renderMatrix, type FilterLayout } from '../render/filters';
import { useAppStore } from '../store/store';
import { markFiltersPainted } from './filtersPaint';

/** Screen pixels per row: tall enough to point at for a head of 8 classes, 2 px for 1000s of rows. */
export function rowPixels(rows: number): number {
  return Math.max(2, Math.min(16, Math.floor(640 / rows)));
}

/**
 * A linear layer (or a 1×1 / k×k convolution) as one heat map, outputs × inputs: one canvas
 * pixel per weight, stretched to the width with nearest-neighbour pixels; the selected
 * channel's row outlined. A click picks a row; so does the number field, from the keyboard.
 */
export function WeightHeatmap(props: { tapName: string; layout: FilterLayout; selected: number; requestedAt: number }) {
  const { tapName, layout, selected, requestedAt } = props;
  const canvas = useRef<HTMLCanvasElement>(null);
  const highlight = useRef<HTMLDivElement>(null);
  const rowPx = rowPixels(layout.outputs);

  useLayoutEffect(() => {
    const el = canvas.current;
    if (!el) return;
    const started = performance.now();
    const image = new ImageData(layout.inputs, layout.outputs);
    renderMatrix(image.data, layout, getLut('diverging'));
    el.getContext('2d')?.putImageData(image, 0, 0);
    markFiltersPainted(tapName, layout, started, requestedAt);
  }, [layout]);

  useLayoutEffect(() => {
    highlight.current?.scrollIntoView?.({ block: 'nearest' });
  }, [selected]);

  const select = (row: number) => useAppStore.setState({ selectedChannel: Math.max(0, Math.min(layout.outputs - 1, row)) });
  return (
    <div className="filters__matrix">
      <label className="field filters__row">
        <span>Output channel (row)</span>
        <input type="number" min={0} max={layout.outputs - 1} value={selected} onChange={(e) => Number.isFinite(e.currentTarget.valueAsNumber) && select(e.currentTarget.valueAsNumber)} />
        <span className="hint">
          {layout.outputs} outputs × {layout.inputs} inputs
        </span>
      </label>
      {/* Focusable: a keyboard can scroll a tall heat map too. */}
      <div className="filters__scroll" tabIndex={0} role="group" aria-label="Weight heat map, scrollable">
        <div className="filters__heatmap" style={{ height: layout.outputs * rowPx }}>
          <canvas
            ref={canvas}
            className="filters__pixels"
            width={layout.inputs}
            height={layout.outputs}
            data-testid="weight-heatmap"
            role="img"
            aria-label={`${tapName} weights: ${layout.outputs} outputs × ${layout.inputs} inputs, row ${selected} selected`}
            style={{ height: layout.outputs * rowPx }}
            onClick={(e) => select(Math.floor((e.clientY - e.currentTarget.getBoundingClientRect().top) / rowPx))}
          />
          <div ref={highlight} className="filters__highlight" data-testid="heatmap-row" data-row={selected} style={{ top: selected * rowPx, height: rowPx }} />
        </div>
      </div>
    </div>
  );
}
