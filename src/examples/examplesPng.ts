/**
 * *Download examples (.png)*: every channel's mosaic of one layer in one picture, in channel
 * order, each labelled with its channel and strongest value, under a title line.
 */
import type { AppState } from '../store/store';
import { cropBitmap } from './cropBitmaps';
import { drawMosaic } from './drawMosaic';
import { channelExamples, type TopKState } from './topK';

const MOSAIC = 108;
const LABEL = 16;
const GAP = 6;
const TITLE = 28;

export async function examplesPng(state: TopKState, tapName: string, s: Pick<AppState, 'examplePhotos' | 'model'>): Promise<Blob> {
  const t = state.taps.find((x) => x.name === tapName);
  if (!t) throw new Error(`No examples for ${tapName}.`);
  const tap = s.model?.manifest.taps.find((x) => x.name === tapName) ?? null;
  const cropSize = s.model?.manifest.input.cropSize ?? 224;
  const photos = new Map(s.examplePhotos.map((p) => [p.id, p]));
  const columns = Math.min(16, t.channels);
  const rows = Math.ceil(t.channels / columns);
  const canvas = new OffscreenCanvas(columns * (MOSAIC + GAP) + GAP, TITLE + rows * (MOSAIC + LABEL + GAP) + GAP);
  const ctx = canvas.getContext('2d')!;
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.fillStyle = '#000';
  ctx.font = '16px sans-serif';
  ctx.fillText(`${tapName}: the 9 strongest examples of each channel (${photos.size} photos)`, GAP, 20);
  for (let c = 0; c < t.channels; c++) {
    const examples = channelExamples(t, state.k, c).filter((e) => photos.has(e.photo));
    const bitmaps = new Map(await Promise.all(examples.map(async (e) => [e.photo, await cropBitmap(e.photo, photos.get(e.photo)!.image)] as const)));
    const x = GAP + (c % columns) * (MOSAIC + GAP);
    const y = TITLE + Math.floor(c / columns) * (MOSAIC + LABEL + GAP);
    drawMosaic(ctx, { examples, bitmaps, rf: tap?.receptiveField ?? null, grid: { height: t.height, width: t.width }, cropSize, side: MOSAIC }, x, y);
    ctx.fillStyle = '#000';
    ctx.font = '12px sans-serif';
    ctx.fillText(`${c}${examples[0] ? ` · ${examples[0].value.toFixed(2)}` : ''}`, x, y + MOSAIC + 12);
  }
  return canvas.convertToBlob({ type: 'image/png' });
}
