import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { renderMeanOverlay } from '../render/channelImage';
import { classEvidence, identityText, type ClassEvidence } from '../render/classEvidence';
import { getLut } from '../render/colormaps';
import { rgbaCanvas } from '../render/drawRgba';
import { formatTickValue } from '../render/legend';
import { encodeNpy } from '../render/npy';
import { whyCaveat } from '../model/whyCaveat';
import { logitsTap } from '../model/taps';
import { drawCropWithOverlay } from './drawOverlay';
import { useAppStore, selectActivations, selectManifest } from '../store/store';
import type { WhyMethod } from '../store/whySlice';
import { ColourBarView } from './ColourBar';
import { downloadBlob } from './DownloadLayerButton';
import { cancelOcclusion, ensureClassHead, runOcclusion } from '../store/whyActions';
import './why.css';

interface ShownMap {
  map: Float32Array;
  rows: number;
  cols: number;
  caption: string;
  /**
   * Where the map's cells lie on the crop, in crop pixels: cell (i, j) is the square at
   * offset + (j·cell, i·cell). Class evidence cells tile the crop; occlusion cells are centred
   * on their patches (offset P/2 − S/2, cell S).
   */
  offset: number;
  cell: number;
}

function maxAbs(map: Float32Array): number {
  let m = 0;
  for (const v of map) m = Math.max(m, Math.abs(v));
  return m || 1;
}

const label = (labels: readonly string[], i: number) => (labels[i] ?? `class ${i}`).replaceAll('_', ' ');

/**
 * "Why this prediction?": the class evidence map (exact split of the logit over the last
 * feature map's positions) or an occlusion map, upsampled onto the photo's crop.
 */
export function WhyView() {
  const manifest = useAppStore(selectManifest);
  const activations = useAppStore(selectActivations);
  const whyClass = useAppStore((s) => s.whyClass);
  const method = useAppStore((s) => s.whyMethod);
  const patch = useAppStore((s) => s.whyPatch);
  const stride = useAppStore((s) => s.whyStride);
  const opacity = useAppStore((s) => s.whyOpacity);
  const whyHead = useAppStore((s) => s.whyHead);
  const occlusion = useAppStore((s) => s.occlusion);
  const progress = useAppStore((s) => s.occlusionProgress);
  const occlusionError = useAppStore((s) => s.occlusionError);
  const [filter, setFilter] = useState('');
  const [hover, setHover] = useState<string | null>(null);
  const canvas = useRef<HTMLCanvasElement>(null);

  useEffect(() => {
    if (manifest && whyHead?.modelId !== manifest.id) void ensureClassHead();
  }, [manifest, whyHead]);

  const headTap = manifest ? logitsTap(manifest) : null;
  const logits = headTap && activations ? (activations.tensors.get(headTap.name)?.data ?? null) : null;
  const labels = manifest?.labels ?? [];
  const classCount = logits?.length ?? labels.length;
  const cls = whyClass !== null && whyClass < classCount ? whyClass : (activations?.top5[0]?.index ?? 0);

  const head = whyHead && manifest && whyHead.modelId === manifest.id ? whyHead : null;
  const featureTap = head?.head ? manifest?.taps.find((t) => (t.output ?? t.name) === head.head!.featureValue) : undefined;
  const feature = featureTap && activations ? activations.tensors.get(featureTap.name) : undefined;
  const evidence: ClassEvidence | null = useMemo(() => {
    if (!head?.head || !feature) return null;
    return classEvidence(feature.data, feature.shape, head.head, cls);
  }, [head, feature, cls]);
  const evidenceProblem = !head
    ? 'Reading the classifier head…'
    : !head.head
      ? `The class evidence map needs a head of the form global average pooling → (LayerNorm) → Linear; this model’s does not fit (${head.reason}). Occlusion works for any model.`
      : !feature
        ? `The feature map the head pools (${head.head.featureValue}) is not among the layers this model shows, so its evidence cannot be split. Occlusion works for any model.`
        : null;

  const occlusionShown = occlusion && activations && manifest && occlusion.runId === activations.runId && occlusion.modelId === manifest.id && occlusion.result.classIndex === cls ? occlusion.result : null;

  const shown: ShownMap | null =
    method === 'evidence'
      ? evidence
        ? { map: evidence.map, rows: evidence.height, cols: evidence.width, offset: 0, cell: activations!.crop.width / evidence.width, caption: `Class evidence for “${label(labels, cls)}”: each cell’s share of the logit (${evidence.height}×${evidence.width} positions of ${featureTap?.name}).` }
        : null
      : occlusionShown
        ? {
            map: occlusionShown.map,
            rows: occlusionShown.rows,
            cols: occlusionShown.cols,
            offset: occlusionShown.patch / 2 - occlusionShown.stride / 2,
            cell: occlusionShown.stride,
            caption: `Occlusion for “${label(labels, cls)}”: logit without the patch minus logit with a ${occlusionShown.patch}-px patch at each of ${occlusionShown.rows}×${occlusionShown.cols} positions, stride ${occlusionShown.stride} px (${occlusionShown.runs} runs of ${occlusionShown.batchSize}, ${(occlusionShown.ms / 1000).toFixed(1)} s).`,
          }
        : null;
  const range = shown ? maxAbs(shown.map) : 1;

  const overlay = useMemo(() => {
    if (!shown || !activations) return null;
    const w = Math.max(1, Math.round(shown.cols * shown.cell));
    const h = Math.max(1, Math.round(shown.rows * shown.cell));
    const pixels = new Uint8ClampedArray(w * h * 4);
    renderMeanOverlay(pixels, w, h, shown.map, shown.cols, shown.rows, { min: -range, max: range }, getLut('diverging'), { alpha: 1 });
    return { layer: rgbaCanvas({ data: pixels, width: w, height: h }), offset: shown.offset };
  }, [shown?.map, shown?.offset, shown?.cell, activations, range]);

  useLayoutEffect(() => {
    const c = canvas.current;
    if (!c || !activations) return;
    drawCropWithOverlay(c, activations.crop, overlay?.layer ?? null, opacity, overlay?.offset ?? 0);
  }, [activations, overlay, opacity]);

  if (!manifest) return null;
  if (!activations) return <p className="hint why">Choose a photo to ask why the model predicts what it does.</p>;

  const caveat = whyCaveat(manifest);
  const top = activations.top5.map((p) => p.index);
  const needle = filter.trim().toLowerCase();
  const others = Array.from({ length: classCount }, (_, i) => i).filter((i) => !top.includes(i) && (i === cls || !needle || label(labels, i).toLowerCase().includes(needle)));
  const running = progress !== null;
  const modelLogit = logits ? logits[cls]! : null;

  const onMove = (e: React.MouseEvent<HTMLCanvasElement>) => {
    if (!shown) return setHover(null);
    const rect = e.currentTarget.getBoundingClientRect();
    const { width, height } = activations.crop;
    const cellAt = (px: number, n: number) => Math.min(n - 1, Math.max(0, Math.floor((px - shown.offset) / shown.cell)));
    const col = cellAt(((e.clientX - rect.left) / rect.width) * width, shown.cols);
    const row = cellAt(((e.clientY - rect.top) / rect.height) * height, shown.rows);
    setHover(`Row ${row}, column ${col}: ${formatTickValue(shown.map[row * shown.cols + col]!, 4)}`);
  };

  return (
    <section className="why" aria-label="Why this prediction">
      <h2>Why this prediction?</h2>
      {caveat && (
        <p className="warning" role="note" data-testid="why-caveat">
          {caveat}
        </p>
      )}
      <div className="why__controls">
        <label className="field">
          <span>Filter classes</span>
          <input type="search" aria-label="Filter classes" value={filter} placeholder="type to filter" onChange={(e) => setFilter(e.currentTarget.value)} />
        </label>
        <label className="field">
          <span>Class</span>
          <select aria-label="Class" value={cls} onChange={(e) => useAppStore.setState({ whyClass: Number(e.currentTarget.value) })}>
            <optgroup label="Top 5">
              {top.map((i) => (
                <option key={i} value={i}>
                  {label(labels, i)}
                </option>
              ))}
            </optgroup>
            <optgroup label={needle ? `Classes matching “${filter.trim()}”` : 'All classes'}>
              {others.map((i) => (
                <option key={i} value={i}>
                  {label(labels, i)}
                </option>
              ))}
            </optgroup>
          </select>
        </label>
        <label className="field">
          <span>Method</span>
          <select aria-label="Method" value={method} onChange={(e) => useAppStore.setState({ whyMethod: e.currentTarget.value as WhyMethod })}>
            <option value="evidence">Class evidence</option>
            <option value="occlusion">Occlusion</option>
          </select>
        </label>
      </div>

      {method === 'evidence' ? (
        evidence ? (
          <p className="why__identity" data-testid="why-identity" data-map-sum={evidence.mapSum} data-constant={evidence.constant} data-logit={evidence.logit} data-model-logit={modelLogit ?? ''}>
            {identityText(evidence)}
            {modelLogit !== null && <span className="hint"> (the model’s own logit: {modelLogit.toFixed(2).replace('-', '−')})</span>}
          </p>
        ) : (
          <div role="status" className="why__problem" data-testid="why-evidence-problem">
            <p>{evidenceProblem}</p>
            {head && !head.head && (
              <button type="button" className="button" onClick={() => useAppStore.setState({ whyMethod: 'occlusion' })}>
                Use occlusion
              </button>
            )}
          </div>
        )
      ) : (
        <div className="why__occlusion">
          <label className="field">
            <span>Patch size</span>
            <input
              type="number"
              aria-label="Patch size"
              min={1}
              max={manifest.input.cropSize}
              step={1}
              value={patch}
              disabled={running}
              onChange={(e) => useAppStore.setState({ whyPatch: Math.max(1, Math.round(Number(e.currentTarget.value) || 1)) })}
            />
          </label>
          <label className="field">
            <span>Stride</span>
            <input
              type="number"
              aria-label="Stride"
              min={1}
              max={manifest.input.cropSize}
              step={1}
              value={stride}
              disabled={running}
              onChange={(e) => useAppStore.setState({ whyStride: Math.max(1, Math.round(Number(e.currentTarget.value) || 1)) })}
            />
          </label>
          <button type="button" className="button" disabled={running} onClick={() => void runOcclusion(cls)}>
            Run occlusion
          </button>
          <button type="button" className="button" aria-label="Cancel occlusion" disabled={!running} onClick={cancelOcclusion}>
            Cancel
          </button>
          {running && (
            <>
              <progress aria-label="Occlusion progress" max={progress.total ?? 1} value={progress.total ? progress.loaded : undefined} />
              <span className="hint" data-testid="why-progress-text">
                {progress.total ? `${progress.loaded} of ${progress.total} patches` : 'Starting…'}
              </span>
            </>
          )}
          {occlusionError && <p role="alert">{occlusionError}</p>}
          {!occlusionShown && !running && <p className="hint">Covers the photo with a grey square, one position at a time, and measures how much the class score drops. Press “Run occlusion” to start.</p>}
        </div>
      )}

      <figure className="why__figure">
        <canvas
          ref={canvas}
          className="why__canvas"
          role="img"
          aria-label={shown ? shown.caption : 'The photo the model saw'}
          data-testid="why-canvas"
          onMouseMove={onMove}
          onMouseLeave={() => setHover(null)}
        />
        <figcaption className="hint">{shown ? shown.caption : 'No map yet.'}</figcaption>
        <p className="why__hover" data-testid="why-hover" aria-live="polite">
          {hover ?? (shown ? 'Point at the photo to read a value.' : '')}
        </p>
      </figure>
      {shown && (
        <div className="why__legend">
          <ColourBarView range={{ min: -range, max: range }} colormap="diverging" label="Why map" caption="Symmetric around zero: red raises the class score, blue lowers it, white is 0." />
          <label className="field field--slider">
            <span>Opacity</span>
            <input type="range" aria-label="Overlay opacity" min={0} max={1} step={0.05} value={opacity} onChange={(e) => useAppStore.setState({ whyOpacity: Number(e.currentTarget.value) })} />
            <span className="field__value" aria-hidden="true">
              {Math.round(opacity * 100)}%
            </span>
          </label>
          <button
            type="button"
            className="button"
            onClick={() => {
              const bytes = encodeNpy(shown.map, [shown.rows, shown.cols]);
              const name = `why-${method === 'evidence' ? 'class-evidence' : 'occlusion'}-${label(labels, cls).replaceAll(/[^\w-]+/g, '-')}.npy`;
              downloadBlob(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' }), name);
            }}
          >
            Download map (.npy)
          </button>
        </div>
      )}
    </section>
  );
}
