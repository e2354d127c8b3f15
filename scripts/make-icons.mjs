#!/usr/bin/env node
// Draws the app's icons (public/icons/*.png) for the web app manifest: `node scripts/make-icons.mjs`.
// A 3×3 grid of channel tiles, each a striped "activation" at its own angle in viridis, on the
// app bar's dark colour. The maskable icon keeps the grid inside the central 80% circle that
// every launcher's mask leaves visible, on a full-bleed background.
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { interpolateViridis } from 'd3-scale-chromatic';
import { PNG } from 'pngjs';

const OUT = resolve(import.meta.dirname, '../public/icons');
/** The app bar's colour (src/styles.css --bar-bg, light theme). */
const BACKGROUND = [0x15, 0x18, 0x1d];
/** Samples per pixel side: smooth edges without a drawing library. */
const SUPERSAMPLE = 4;

function rgbOf(css) {
  const m = /rgb\((\d+), (\d+), (\d+)\)/.exec(css) ?? /#(..)(..)(..)/.exec(css);
  return css.startsWith('#') ? m.slice(1).map((h) => parseInt(h, 16)) : m.slice(1).map(Number);
}

/**
 * The colour at (u, v) in [0, 1)² of the icon, or null outside it. `grid` is the side of the
 * 3×3 grid as a fraction of the icon; `corner` the rounding of the background (0: full bleed).
 */
function colourAt(u, v, grid, corner) {
  if (corner > 0) {
    const dx = Math.max(corner - u, u - (1 - corner), 0);
    const dy = Math.max(corner - v, v - (1 - corner), 0);
    if (dx * dx + dy * dy > corner * corner) return null;
  }
  const start = (1 - grid) / 2;
  const cell = grid / 3;
  const gap = cell * 0.1;
  const gu = (u - start) / cell;
  const gv = (v - start) / cell;
  const i = Math.floor(gu);
  const j = Math.floor(gv);
  if (i < 0 || i > 2 || j < 0 || j > 2) return BACKGROUND;
  const x = (gu - i) * cell;
  const y = (gv - j) * cell;
  if (x < gap / 2 || x > cell - gap / 2 || y < gap / 2 || y > cell - gap / 2) return BACKGROUND;
  const angle = ((j * 3 + i) * Math.PI) / 9;
  const s = ((x * Math.cos(angle) + y * Math.sin(angle)) / cell) * 2 * Math.PI * 1.5;
  return rgbOf(interpolateViridis(0.5 + 0.5 * Math.sin(s)));
}

function draw(size, grid, corner) {
  const png = new PNG({ width: size, height: size });
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      const sum = [0, 0, 0, 0];
      for (let sy = 0; sy < SUPERSAMPLE; sy++) {
        for (let sx = 0; sx < SUPERSAMPLE; sx++) {
          const c = colourAt((px + (sx + 0.5) / SUPERSAMPLE) / size, (py + (sy + 0.5) / SUPERSAMPLE) / size, grid, corner);
          if (!c) continue;
          sum[0] += c[0];
          sum[1] += c[1];
          sum[2] += c[2];
          sum[3] += 255;
        }
      }
      const n = SUPERSAMPLE * SUPERSAMPLE;
      const covered = sum[3] / 255;
      const o = (py * size + px) * 4;
      for (let k = 0; k < 3; k++) png.data[o + k] = covered ? Math.round(sum[k] / covered) : 0;
      png.data[o + 3] = Math.round(sum[3] / n);
    }
  }
  return PNG.sync.write(png);
}

mkdirSync(OUT, { recursive: true });
const ICONS = [
  { file: 'icon-192.png', size: 192, grid: 0.76, corner: 0.18 },
  { file: 'icon-512.png', size: 512, grid: 0.76, corner: 0.18 },
  // Maskable: the grid's corners (diagonal 0.56·√2 ≈ 0.79) stay inside the 0.8 safe circle.
  { file: 'icon-maskable-512.png', size: 512, grid: 0.56, corner: 0 },
];
for (const icon of ICONS) {
  writeFileSync(resolve(OUT, icon.file), draw(icon.size, icon.grid, icon.corner));
  console.log(`public/icons/${icon.file}: ${icon.size}×${icon.size}`);
}
