import { useLayoutEffect, useRef } from 'react';
import { renderMap } from '../render/channelImage';
import { getLut, type ColormapId } from '../render/colormaps';
import type { ValueRange } from '../render/types';
import { drawRgba } from '../render/drawRgba';
import type { RgbaImage } from '../worker/protocol';

/** One small map (a channel slice, a mean map or a difference) drawn with a colour map. */
export function MapCanvas(props: { values: Float32Array; width: number; height: number; range: ValueRange; colormap: ColormapId; label: string; size: number }) {
  const { values, width, height, range, colormap, label, size } = props;
  const ref = useRef<HTMLCanvasElement>(null);
  useLayoutEffect(() => {
    const c = ref.current;
    if (!c) return;
    c.width = width;
    c.height = height;
    const image = new ImageData(width, height);
    renderMap(image.data, values, range, getLut(colormap));
    c.getContext('2d')?.putImageData(image, 0, 0);
  }, [values, width, height, range.min, range.max, colormap]);
  return <canvas ref={ref} role={label ? 'img' : undefined} aria-label={label || undefined} aria-hidden={label ? undefined : true} className="map-canvas" style={{ width: size, height: (size * height) / Math.max(1, width) }} />;
}

/** The crop the model saw, as a small picture. */
export function CropImage(props: { crop: RgbaImage; label: string; size: number }) {
  const { crop, label, size } = props;
  const ref = useRef<HTMLCanvasElement>(null);
  useLayoutEffect(() => {
    if (ref.current) drawRgba(ref.current, crop);
  }, [crop]);
  return <canvas ref={ref} role="img" aria-label={label} className="map-canvas map-canvas--photo" style={{ width: size, height: size }} />;
}
