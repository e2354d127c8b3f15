import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { renderChannelUpscaled } from '../render/channelImage';
import { getLut } from '../render/colormaps';
import { formatTickValue } from '../render/legend';
import { valueRange } from '../render/normalise';
import { drawRgba } from '../render/drawRgba';
import { positionAt, receptiveFieldBox } from '../render/receptiveField';
import { useAppStore, selectActivations, selectColormap, selectCurrentTap, selectCurrentTensor, selectNormalisation } from '../store/store';
import { asMap, layerStats } from '../render/layerData';
import { moveChannel } from '../store/viewActions';
import { logitsTap } from '../model/taps';
import { ExplainPanel } from './ExplainPanel';

/** Side of the enlarged channel in CSS pixels (the canvas itself is an integer upscale). */
const DETAIL_SIDE = 336;

interface Probe {
  row: number;
  col: number;
}

/**
 * The detail view of one channel: enlarged, with the value and position under the pointer
 * (or under the keyboard probe), the channel's statistics, and the receptive field of that
 * position drawn on the crop. Pointer moves only re-render this dialog (local state).
 */
export function ChannelDetail() {
  const open = useAppStore((s) => s.detailOpen);
  const channel = useAppStore((s) => s.selectedChannel);
  const tap = useAppStore(selectCurrentTap);
  const raw = useAppStore(selectCurrentTensor);
  const activations = useAppStore(selectActivations);
  const colormap = useAppStore(selectColormap);
  const normalisation = useAppStore(selectNormalisation);
  const dialog = useRef<HTMLDialogElement>(null);
  const big = useRef<HTMLCanvasElement>(null);
  const photo = useRef<HTMLCanvasElement>(null);
  const [probe, setProbe] = useState<Probe | null>(null);
  const picked = useAppStore((s) => s.selectedPosition);
  const logits = useAppStore((s) => (s.model ? logitsTap(s.model.manifest) : null));
  const top = useAppStore((s) => s.activations?.top5[0] ?? null);

  const show = open && channel !== null && !!raw && !!tap && !!activations;
  useEffect(() => {
    const d = dialog.current;
    if (!d) return;
    if (show && !d.open) d.showModal();
    if (!show && d.open) d.close();
  }, [show]);

  const tensor = raw ? asMap(raw) : null;
  const stats = tensor ? layerStats(tensor) : null;
  const h = tensor?.shape[1] ?? 0;
  const w = tensor?.shape[2] ?? 0;
  const valid = show && tensor && stats && channel < (tensor.shape[0] ?? 0);
  const selected = picked && picked.row < h && picked.col < w ? picked : null;

  useLayoutEffect(() => {
    if (!valid || !big.current || !tensor || !stats) return;
    const scale = Math.max(1, Math.ceil(DETAIL_SIDE / Math.max(w, h)));
    const canvas = big.current;
    canvas.width = w * scale;
    canvas.height = h * scale;
    const image = new ImageData(w * scale, h * scale);
    renderChannelUpscaled(image.data, w * scale, h * scale, tensor, channel, valueRange(tensor, channel, normalisation, undefined, stats), getLut(colormap));
    canvas.getContext('2d')?.putImageData(image, 0, 0);
  }, [valid, tensor, channel, colormap, normalisation, w, h]);

  // The crop with the hovered position's receptive field outlined.
  useLayoutEffect(() => {
    const canvas = photo.current;
    if (!valid || !canvas || !activations || !tap) return;
    const { crop } = activations;
    const ctx = drawRgba(canvas, crop);
    if (!ctx) return;
    const at = probe ?? selected;
    if (!at || !tap.receptiveField) return;
    const box = receptiveFieldBox(tap.receptiveField, at.row, at.col, crop.width).clamped;
    ctx.fillStyle = 'rgba(255, 214, 0, 0.25)';
    ctx.fillRect(box.x0, box.y0, box.x1 - box.x0, box.y1 - box.y0);
    ctx.strokeStyle = '#ffd600';
    ctx.lineWidth = 2;
    ctx.strokeRect(box.x0 + 1, box.y0 + 1, Math.max(0, box.x1 - box.x0 - 2), Math.max(0, box.y1 - box.y0 - 2));
  }, [valid, activations, tap, probe?.row, probe?.col, selected?.row, selected?.col]);

  // A probe left over from a larger layer would point outside this one.
  useEffect(() => {
    if (probe && (probe.row >= h || probe.col >= w)) setProbe(null);
  }, [h, w, probe]);

  const title = tap && channel !== null ? `${tap.name} channel ${channel}` : 'Channel';
  const value = valid && probe && probe.row < h && probe.col < w ? tensor.data[channel * h * w + probe.row * w + probe.col]! : null;
  const rf = tap?.receptiveField ?? null;
  const fieldAt = probe ?? selected;
  const box = valid && fieldAt && rf && activations ? receptiveFieldBox(rf, fieldAt.row, fieldAt.col, activations.crop.width) : null;
  const selectedValue = valid && selected ? tensor.data[channel * h * w + selected.row * w + selected.col]! : null;
  const pick = (p: Probe | null) => p && useAppStore.setState({ selectedPosition: { row: p.row, col: p.col } });
  // The pooled features feed the class scores: the top class's score is explained below the pooled value.
  const feedsHead = !!logits && !!tap && tap.kind === 'pool' && h === 1 && w === 1 && !!top;

  return (
    <dialog ref={dialog} className="detail" aria-labelledby="detail-title" onClose={() => useAppStore.setState({ detailOpen: false })}>
      <div className="detail__head">
        <h2 id="detail-title">{title}</h2>
        <div className="detail__nav">
          <button type="button" className="button button--small" onClick={() => moveChannel(-1)}>
            Previous channel
          </button>
          <button type="button" className="button button--small" onClick={() => moveChannel(1)}>
            Next channel
          </button>
          <button type="button" className="button button--small" onClick={() => dialog.current?.close()}>
            Close
          </button>
        </div>
      </div>
      {valid && tap && activations && (
        <div className="detail__body">
          <figure className="detail__figure">
            <div className="detail__mapwrap">
              <canvas
                ref={big}
                className="detail__channel"
                tabIndex={0}
                role="img"
                aria-label={`${title}, enlarged; arrow keys move the probe, Enter or a click picks the position to explain`}
                data-testid="detail-channel"
                style={{ width: DETAIL_SIDE, height: (DETAIL_SIDE * h) / Math.max(w, 1) }}
                onPointerMove={(e) => {
                  const r = e.currentTarget.getBoundingClientRect();
                  setProbe(positionAt(e.clientX - r.left, e.clientY - r.top, r.width, r.height, w, h));
                }}
                onClick={(e) => {
                  const r = e.currentTarget.getBoundingClientRect();
                  pick(positionAt(e.clientX - r.left, e.clientY - r.top, r.width, r.height, w, h));
                }}
                onKeyDown={(e) => {
                  if (e.key === 'Enter') {
                    e.preventDefault();
                    e.stopPropagation();
                    pick(probe ?? selected ?? { row: 0, col: 0 });
                    return;
                  }
                  const step: Record<string, [number, number]> = { ArrowLeft: [0, -1], ArrowRight: [0, 1], ArrowUp: [-1, 0], ArrowDown: [1, 0] };
                  const d = step[e.key];
                  if (!d) return;
                  e.preventDefault();
                  e.stopPropagation(); // the probe moves, not the channel or the layer
                  const from = probe ?? selected ?? { row: 0, col: 0 };
                  setProbe({ row: Math.max(0, Math.min(h - 1, from.row + d[0])), col: Math.max(0, Math.min(w - 1, from.col + d[1])) });
                }}
              />
              {selected && (
                <div
                  className="detail__marker"
                  data-testid="detail-marker"
                  style={{ left: `${(selected.col / w) * 100}%`, top: `${(selected.row / h) * 100}%`, width: `${100 / w}%`, height: `${100 / h}%` }}
                />
              )}
            </div>
            <figcaption aria-live="polite" data-testid="detail-probe">
              {value !== null && probe
                ? `row ${probe.row}, column ${probe.col}: ${formatTickValue(value, 4)}`
                : 'Point at the map (or focus it and use the arrow keys) to read a value.'}
            </figcaption>
          </figure>
          <figure className="detail__figure">
            <canvas ref={photo} className="detail__photo" role="img" aria-label="The crop with the receptive field of the probed position" data-testid="detail-photo" />
            <figcaption data-testid="detail-field">
              {!rf
                ? 'The receptive field of this layer is not known: ConvLens does not analyse the geometry of a model it did not export.'
                : box
                  ? `Receptive field: x ${box.clamped.x0}–${box.clamped.x1}, y ${box.clamped.y0}–${box.clamped.y1} of the ${activations.crop.width}×${activations.crop.height} crop (${rf.size}×${rf.size} px${rf.size > activations.crop.width ? ', cut to the crop' : ''})`
                  : `Each position sees ${rf.size}×${rf.size} px of the crop, ${rf.stride} px apart.`}
            </figcaption>
          </figure>
          <dl className="detail__stats" data-testid="detail-stats">
            <div>
              <dt>min</dt>
              <dd>{formatTickValue(stats.min[channel]!, 4)}</dd>
            </div>
            <div>
              <dt>max</dt>
              <dd>{formatTickValue(stats.max[channel]!, 4)}</dd>
            </div>
            <div>
              <dt>mean</dt>
              <dd>{formatTickValue(stats.mean[channel]!, 4)}</dd>
            </div>
            <div>
              <dt>positive</dt>
              <dd>{(stats.fracPositive[channel]! * 100).toFixed(1)}%</dd>
            </div>
          </dl>
        </div>
      )}
      {valid && tap && selected && (
        <>
          <p className="detail__picked" data-testid="detail-picked">
            Explained: row {selected.row}, column {selected.col} of channel {channel} ({formatTickValue(selectedValue!, 4)}). Click another position, or use the arrow keys and Enter.
          </p>
          <ExplainPanel tap={tap.name} position={{ channel, row: selected.row, col: selected.col }} mapValue={selectedValue} />
          {feedsHead && logits && top && (
            <ExplainPanel
              tap={logits.name}
              position={{ channel: top.index, row: 0, col: 0 }}
              mapValue={activations.tensors.get(logits.name)?.data[top.index] ?? null}
              heading={`How the score of the top class, “${top.label}”, is computed`}
            />
          )}
          {feedsHead && logits && top && (
            <button type="button" className="link-button" onClick={() => useAppStore.setState({ view: 'why', detailOpen: false })}>
              Why “{top.label}”? Where in the photo its evidence lies (the Why view)
            </button>
          )}
        </>
      )}
      {valid && tap && !selected && <p className="detail__picked">Click a position of the map (or use the arrow keys and Enter) to see how its value is computed.</p>}
    </dialog>
  );
}
