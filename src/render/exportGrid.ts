/**
 * Draws the grid export (title, tiles with labels, colour bar) on one canvas and
 * encodes it as PNG. Tiles are rendered from the tensor with the same arithmetic as
 * the on-screen tiles, upscaled by an integer factor, so the picture holds exactly
 * the colours on screen.
 */
import { renderChannelUpscaled } from './channelImage';
import { exportLayout, type ExportLayout } from './exportLayout';
import { colourBarTicks } from './legend';
import type { LayerTensor, ValueRange } from './types';
import { tensorDims } from './types';

export interface GridExportInput {
  tensor: LayerTensor;
  channels: readonly number[];
  rangeOf: (channel: number) => ValueRange;
  lut: Uint8ClampedArray;
  labels: readonly string[];
  title: string;
  barRange: ValueRange;
  barCaption: string;
}

export function drawGridExport(input: GridExportInput): { canvas: HTMLCanvasElement; layout: ExportLayout } {
  const { height, width } = tensorDims(input.tensor);
  const layout = exportLayout({ tileCount: input.channels.length, mapWidth: width, mapHeight: height });
  const canvas = document.createElement('canvas');
  canvas.width = layout.width; // setting the size clears the canvas
  canvas.height = layout.height;
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('No 2D canvas is available to draw the export.');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, layout.width, layout.height);
  ctx.fillStyle = '#15181d';
  ctx.font = 'bold 15px sans-serif';
  ctx.textBaseline = 'alphabetic';
  ctx.fillText(input.title, layout.tiles[0]?.x ?? 16, layout.titleY, layout.width - 32);

  const image = new ImageData(layout.tileWidth, layout.tileHeight);
  ctx.font = '11px sans-serif';
  ctx.textAlign = 'center';
  input.channels.forEach((channel, i) => {
    const box = layout.tiles[i]!;
    renderChannelUpscaled(image.data, layout.tileWidth, layout.tileHeight, input.tensor, channel, input.rangeOf(channel), input.lut);
    ctx.putImageData(image, box.x, box.y);
    ctx.fillStyle = '#15181d';
    ctx.fillText(input.labels[i] ?? String(channel), box.labelX, box.labelY, layout.tileWidth);
  });

  // Colour bar: one column per LUT entry, stretched to the bar's width.
  const bar = layout.colourBar;
  const barImage = new ImageData(bar.width, bar.height);
  for (let x = 0; x < bar.width; x++) {
    const k = Math.min(255, Math.floor((x * 256) / bar.width)) * 4;
    for (let y = 0; y < bar.height; y++) {
      const o = (y * bar.width + x) * 4;
      barImage.data[o] = input.lut[k]!;
      barImage.data[o + 1] = input.lut[k + 1]!;
      barImage.data[o + 2] = input.lut[k + 2]!;
      barImage.data[o + 3] = 255;
    }
  }
  ctx.putImageData(barImage, bar.x, bar.y);
  ctx.fillStyle = '#15181d';
  for (const tick of colourBarTicks(input.barRange.min, input.barRange.max, 5)) {
    ctx.textAlign = tick.position === 0 ? 'left' : tick.position === 1 ? 'right' : 'center';
    ctx.fillText(tick.label, bar.x + tick.position * bar.width, bar.tickY);
  }
  ctx.textAlign = 'left';
  ctx.fillStyle = '#58606c';
  ctx.fillText(input.barCaption, bar.x + bar.width + 12, bar.y + 12, Math.max(0, layout.width - bar.width - 44));
  return { canvas, layout };
}

export function canvasToPng(canvas: HTMLCanvasElement): Promise<Blob> {
  return new Promise((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('The browser could not encode the PNG.'))), 'image/png'));
}
