import { useEffect, useMemo, useRef, useState } from 'react';
import { renderMap } from '../render/channelImage';
import { getLut } from '../render/colormaps';
import { inferenceClient } from '../store/workerClient';
import type { ValueRange } from '../render/types';
import { cropBitmap } from '../examples/cropBitmaps';
import { channelExamples, type Example, type TapTopK } from '../examples/topK';
import type { Tap } from '../model/manifest';
import { receptiveFieldBox } from '../render/receptiveField';
import { useAppStore } from '../store/store';
import type { StoredPhoto } from '../examples/examplesDb';
import { examplePhotoName } from './ExampleTiles';

const SIDE = 168;
const RANKED_SHOWN = 12;

interface ChannelMaps {
  maps: Float32Array[];
  height: number;
  width: number;
  range: ValueRange;
}

/** The map drawn over the crop, half transparent, nearest neighbour (no invented activations). */
function drawOverlay(ctx: CanvasRenderingContext2D, map: Float32Array, maps: ChannelMaps, lut: Uint8ClampedArray): void {
  const pixels = new ImageData(maps.width, maps.height);
  renderMap(pixels.data, map, maps.range, lut);
  const small = new OffscreenCanvas(maps.width, maps.height);
  small.getContext('2d')!.putImageData(pixels, 0, 0);
  ctx.save();
  ctx.globalAlpha = 0.55;
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(small, 0, 0, SIDE, SIDE);
  ctx.restore();
}

/** One example: the whole crop with the channel's map over it, the field of the maximum outlined and its grid cell filled. */
function ExampleCrop({ example, photo, tap, table, cropSize, map, maps }: { example: Example; photo: StoredPhoto | undefined; tap: Tap | null; table: TapTopK; cropSize: number; map: Float32Array | null; maps: ChannelMaps | null }) {
  const colormap = useAppStore((s) => s.colormap);
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (!photo) return;
    let live = true;
    void cropBitmap(photo.id, photo.image).then((bitmap) => {
      const ctx = canvas.current?.getContext('2d');
      if (!live || !ctx) return;
      const s = SIDE / cropSize;
      ctx.drawImage(bitmap, 0, 0, SIDE, SIDE);
      if (map && maps) drawOverlay(ctx, map, maps, getLut(colormap));
      // The maximum's cell on the tap's grid, as the grid's own tile would show it.
      const cw = SIDE / table.width;
      const ch = SIDE / table.height;
      ctx.fillStyle = 'rgba(255, 235, 59, 0.35)';
      ctx.fillRect(example.col * cw, example.row * ch, cw, ch);
      if (tap?.receptiveField) {
        const b = receptiveFieldBox(tap.receptiveField, example.row, example.col, cropSize).clamped;
        ctx.strokeStyle = '#ffeb3b';
        ctx.lineWidth = 2;
        ctx.strokeRect(b.x0 * s + 1, b.y0 * s + 1, (b.x1 - b.x0) * s - 2, (b.y1 - b.y0) * s - 2);
      }
    });
    return () => {
      live = false;
    };
  }, [example, photo, tap, table, cropSize, map, maps, colormap]);
  const name = examplePhotoName(photo);
  return (
    <figure className="example-crop">
      <canvas ref={canvas} width={SIDE} height={SIDE} role="img" aria-label={`${name}, maximum ${example.value.toFixed(2)} at (${example.row}, ${example.col})`} />
      <figcaption>
        {example.rank}. {name} · {example.value.toFixed(2)} at ({example.row}, {example.col})
      </figcaption>
    </figure>
  );
}

/** A channel's examples: its 9 photos with where it fired, and all photos ranked by its mean. */
export function ExampleDialog({ table, k, channel, tap }: { table: TapTopK; k: number; channel: number; tap: Tap | null }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const photosList = useAppStore((s) => s.examplePhotos);
  const results = useAppStore((s) => s.exampleResults);
  const cropSize = useAppStore((s) => s.model?.manifest.input.cropSize ?? 224);
  const photos = useMemo(() => new Map(photosList.map((p) => [p.id, p])), [photosList]);
  const examples = channelExamples(table, k, channel);
  const ranked = useMemo(() => {
    const state = results?.state;
    if (!state) return [];
    const offset = state.meanOffsets[state.taps.indexOf(table)] ?? 0;
    const rows = [...results.means].filter(([id]) => photos.has(id)).map(([id, m]) => ({ id, mean: m[offset + channel]! }));
    return rows.sort((a, b) => b.mean - a.mean || a.id - b.id);
  }, [results, table, channel, photos]);

  useEffect(() => {
    const d = dialog.current;
    if (d && !d.open) d.showModal();
  }, []);

  // The channel's maps of its 9 photos: run again in the worker (only the top 9 are kept, not maps).
  const [maps, setMaps] = useState<ChannelMaps | null>(null);
  const shown = examples.filter((e) => photos.get(e.photo)?.isCrop);
  const mapsKey = `${table.name}#${channel}#${shown.map((e) => e.photo).join(',')}`;
  useEffect(() => {
    let live = true;
    setMaps(null);
    if (shown.length === 0) return;
    inferenceClient()
      .examplesMaps(shown.map((e) => photos.get(e.photo)!.image), table.name, channel)
      .then(
        (r) => {
          let min = Infinity;
          let max = -Infinity;
          for (const m of r.maps) for (const v of m) (min = Math.min(min, v)), (max = Math.max(max, v));
          if (live) setMaps({ ...r, range: { min, max: max > min ? max : min + 1 } });
        },
        () => undefined, // the crops and values still show; only the maps are missing
      );
    return () => {
      live = false;
    };
  }, [mapsKey]);
  const close = () => useAppStore.setState({ exampleChannel: null });
  return (
    <dialog ref={dialog} className="example-dialog" aria-labelledby="example-dialog-title" onClose={close} onCancel={close}>
      <div className="example-dialog__head">
        <h2 id="example-dialog-title">
          {table.name} channel {channel}
        </h2>
        <button type="button" className="chip" onClick={() => dialog.current?.close()}>
          Close
        </button>
      </div>
      <p className="example-dialog__note">
        Its {examples.length} strongest photos with the channel&apos;s map over each (one colour scale for all nine): the outline is the part of the photo its strongest position sees, the filled square that position on the layer&apos;s {table.height}×{table.width} grid.
      </p>
      <div className="example-dialog__crops">
        {examples.map((e) => (
          <ExampleCrop key={e.rank} example={e} photo={photos.get(e.photo)} tap={tap} table={table} cropSize={cropSize} map={maps?.maps[shown.indexOf(e)] ?? null} maps={maps} />
        ))}
      </div>
      <h3>Photos ranked by the channel&apos;s mean</h3>
      <ol className="example-dialog__ranked" aria-label="Photos ranked by the channel's mean">
        {ranked.slice(0, RANKED_SHOWN).map((r) => (
          <li key={r.id}>
            {examplePhotoName(photos.get(r.id))} · {r.mean.toFixed(3)}
          </li>
        ))}
      </ol>
      {ranked.length > RANKED_SHOWN && <p className="example-dialog__note">and {ranked.length - RANKED_SHOWN} more.</p>}
    </dialog>
  );
}
