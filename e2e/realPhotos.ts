import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ROOT, photoFile, type Golden } from './helpers';

/**
 * Real-world JPEGs (e2e/fixtures/make_real_photos.py, Pillow) and the committed model's PyTorch
 * values for each, read as the app reads it (model/photo_golden.py), in e2e/generated/real-photos/
 * (ignored by git). Made on first use, and again whenever a script, a source photo or the
 * committed model changes; a failure to make them fails the test.
 */
export const REAL_PHOTOS_DIR = resolve(ROOT, 'e2e/generated/real-photos');

const INPUTS = [
  'e2e/fixtures/make_real_photos.py',
  'model/photo_golden.py',
  'model/convlens_model.py',
  'public/samples/chelsea.png',
  'public/samples/astronaut.png',
  'public/models/convnext-atto-untrained/manifest.json',
  'model/golden/convnext-atto-untrained.json',
];

export interface PhotoGolden extends Golden {
  photoSha256: string;
  read: { size: number[]; exifOrientation: number | null; iccProfile: boolean; uprightSize: number[] };
  /** The 224x224 crop PyTorch saw, RGB bytes. */
  cropRgbBase64: string;
}

function python(args: string[]): void {
  const r = spawnSync('/usr/bin/python3', args.map((a) => resolve(ROOT, a)), { encoding: 'utf8', cwd: ROOT });
  if (r.status !== 0) throw new Error(`${args[0]} failed (${r.status}): ${r.stderr || r.error}`);
}

export function ensureRealPhotos(names: string[]): void {
  const hash = createHash('sha256');
  for (const f of INPUTS) hash.update(f).update(readFileSync(resolve(ROOT, f)));
  const stamp = `${hash.digest('hex')} ${names.join(' ')}\n`;
  const stampFile = resolve(REAL_PHOTOS_DIR, 'done');
  if (existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp) return;
  rmSync(REAL_PHOTOS_DIR, { recursive: true, force: true });
  mkdirSync(REAL_PHOTOS_DIR, { recursive: true });
  python(['e2e/fixtures/make_real_photos.py', REAL_PHOTOS_DIR]);
  python(['model/photo_golden.py', REAL_PHOTOS_DIR, ...names.map((n) => resolve(REAL_PHOTOS_DIR, n))]);
  writeFileSync(stampFile, stamp);
}

export function realPhoto(name: string): { file: ReturnType<typeof photoFile>; golden: PhotoGolden } {
  const path = resolve(REAL_PHOTOS_DIR, name);
  const golden = JSON.parse(readFileSync(`${path}.json`, 'utf8')) as PhotoGolden;
  const file = photoFile(path);
  if (createHash('sha256').update(file.buffer).digest('hex') !== golden.photoSha256) {
    throw new Error(`${name} is not the photo its reference was computed for`);
  }
  return { file, golden };
}
