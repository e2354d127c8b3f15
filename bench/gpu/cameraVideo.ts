/**
 * Writes the e2e camera tests' video for bench/gpu's camera figure, with the same code and the
 * same choices as e2e/camera.spec.ts (scripts/y4m.ts): 320×240, 10 frames a second, the espresso
 * for 1 s then the cat for 1 s. prepare.sh bundles and runs it here, so the GPU machine needs
 * nothing new to read it.
 *
 *   node cameraVideo.js OUT.y4m SAMPLES_DIR
 */
import { resolve } from 'node:path';
import { pngCover, writeY4m } from '../../scripts/y4m';

// As e2e/camera.spec.ts: 4:3 like a webcam, so the centre crop really crops.
const W = 320;
const H = 240;
const FPS = 10;

const [out, samples] = process.argv.slice(2);
if (!out || !samples) throw new Error('usage: node cameraVideo.js OUT.y4m SAMPLES_DIR');
writeY4m(out, W, H, FPS, [
  { image: pngCover(resolve(samples, 'coffee.png'), W, H), frames: FPS },
  { image: pngCover(resolve(samples, 'chelsea.png'), W, H), frames: FPS },
]);
