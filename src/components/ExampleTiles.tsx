import { memo, useEffect, useMemo, useRef } from 'react';
import { channelWindow } from '../render/gridLayout';
import { cropBitmap } from '../examples/cropBitmaps';
import { drawMosaic } from '../examples/drawMosaic';
import { queuePaint } from '../examples/paintQueue';
import { channelExamples, type Example, type TapTopK } from '../examples/topK';
import type { Tap } from '../model/manifest';
import { useAppStore } from '../store/store';
import type { StoredPhoto } from '../examples/examplesDb';
import { useGridModel } from './gridModel';

const PRESENTER_TILE_SIZE = 200;

/** `features.3.0.block.0 channel 17: strongest in pizza-3.jpg at (12, 20), 5.21` */
export function exampleTileName(tap: string, channel: number, first: Example | undefined, photoName: string): string {
  if (!first) return `${tap} channel ${channel}: no examples yet`;
  return `${tap} channel ${channel}: strongest in ${photoName} at (${first.row}, ${first.col}), ${first.value.toFixed(2)}`;
}

/** A photo as the CSV and the tiles name it: its file name, or the sample's id. */
export function examplePhotoName(photo: Pick<StoredPhoto, 'name' | 'sampleId'> | undefined): string {
  return photo ? (photo.sampleId ?? photo.name) : 'a forgotten photo';
}

/** Decodes the crops a mosaic needs, then draws it; again only when its examples change. */
export function useMosaic(canvas: React.RefObject<HTMLCanvasElement | null>, examples: readonly Example[], photos: ReadonlyMap<number, StoredPhoto>, tap: Tap | null, t: TapTopK, side: number, cropSize: number): void {
  // A tile draws again only when its own examples or their crops change, not when any photo does.
  const key = examples.map((e) => `${e.photo}:${e.row}:${e.col}:${photos.get(e.photo)?.isCrop ? 1 : 0}`).join(',');
  useEffect(() => {
    let live = true;
    const wanted = examples.filter((e) => photos.has(e.photo));
    void Promise.all(wanted.map(async (e) => [e.photo, await cropBitmap(e.photo, photos.get(e.photo)!.image)] as const)).then(
      (pairs) =>
        queuePaint(() => {
          const c = canvas.current;
          const ctx = c?.getContext('2d');
          if (!live || !c || !ctx) return;
          const ratio = Math.min(2, window.devicePixelRatio || 1);
          const px = Math.round(side * ratio);
          if (c.width !== px) c.width = c.height = px;
          drawMosaic(ctx, { examples, bitmaps: new Map(pairs), rf: tap?.receptiveField ?? null, grid: { height: t.height, width: t.width }, cropSize, side: px });
        }),
      () => undefined,
    );
    return () => {
      live = false;
    };
    // The examples' identity is their key: a batch that left a channel's examples alone does not
    // redraw it. Each batch brings a new table object, so only its grid's size is a dependency.
  }, [key, side, cropSize, t.height, t.width, tap]);
}

interface TileProps {
  table: TapTopK;
  k: number;
  channel: number;
  tap: Tap | null;
  photos: ReadonlyMap<number, StoredPhoto>;
  size: number;
  cropSize: number;
  /** Opens the channel's dialog; the same action on every render. */
  onOpen: (c: number) => void;
}

/**
 * A tile renders again only when its own examples can have changed: the photo list changes
 * with every batch (crops arrive), but a tile reads only its own examples' photos.
 */
function sameTile(a: TileProps, b: TileProps): boolean {
  if (a.table !== b.table || a.k !== b.k || a.channel !== b.channel || a.tap !== b.tap || a.size !== b.size || a.cropSize !== b.cropSize) return false;
  if (a.photos === b.photos) return true;
  return channelExamples(b.table, b.k, b.channel).every((e) => a.photos.get(e.photo) === b.photos.get(e.photo));
}

const ExampleTile = memo(function ExampleTile({ table, k, channel, tap, photos, size, cropSize, onOpen }: TileProps) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const examples = channelExamples(table, k, channel);
  useMosaic(canvas, examples, photos, tap, table, size, cropSize);
  const first = examples[0];
  return (
    <button
      type="button"
      className="tile example-tile"
      aria-label={exampleTileName(table.name, channel, first, examplePhotoName(first ? photos.get(first.photo) : undefined))}
      data-channel={channel}
      style={{ width: size }}
      onClick={() => onOpen(channel)}
    >
      <canvas ref={canvas} style={{ width: size, height: size }} />
      {/* Only the channel: visible text must be part of the name (WCAG 2.5.3), whose value comes last. */}
      <span className="tile__index">{channel}</span>
    </button>
  );
}, sameTile);

/** One tile per channel of the selected layer, in the grid's order and window (sorting, Hide dead channels). */
export function ExampleTiles({ table, k, tap, onOpen }: { table: TapTopK; k: number; tap: Tap | null; onOpen: (c: number) => void }) {
  const grid = useGridModel();
  const photosList = useAppStore((s) => s.examplePhotos);
  const tileSize = useAppStore((s) => s.tileSize);
  const presenter = useAppStore((s) => s.presenter);
  const firstChannel = useAppStore((s) => s.firstChannel);
  const channelCount = useAppStore((s) => s.channelCount);
  const cropSize = useAppStore((s) => s.model?.manifest.input.cropSize ?? 224);
  const photos = useMemo(() => new Map(photosList.map((p) => [p.id, p])), [photosList]);
  // The grid's order when the photo's layer is there (same sorting and hiding); else the plain window.
  const channels = useMemo(() => {
    if (grid && grid.dims.channels === table.channels) return grid.channels;
    const w = channelWindow(table.channels, firstChannel, channelCount);
    return Array.from({ length: w.count }, (_, i) => w.first + i);
  }, [grid, table.channels, firstChannel, channelCount]);
  const size = presenter ? Math.max(tileSize, PRESENTER_TILE_SIZE) : Math.max(tileSize, 96);
  return (
    <div className="channel-grid example-grid" data-testid="example-grid" data-tap={table.name} style={{ gridTemplateColumns: `repeat(auto-fill, minmax(${size}px, 1fr))` }}>
      {channels.map((c) => (
        <ExampleTile key={c} table={table} k={k} channel={c} tap={tap} photos={photos} size={size} cropSize={cropSize} onOpen={onOpen} />
      ))}
    </div>
  );
}
