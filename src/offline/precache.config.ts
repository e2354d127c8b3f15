/**
 * Which built files the service worker precaches, decided at build time (Node side,
 * imported by vite.config.ts). Precached files are fetched when the service worker
 * installs, so after the first visit the app works with no network at all.
 */
import { readFileSync } from 'node:fs';
import { dirname, posix } from 'node:path';

/** onnxruntime-web's WebGPU build (asyncify, ~27 MB): fetched only when WebGPU is used, so cached at run time. */
export const WEBGPU_WASM_GLOB = '**/*.asyncify*.wasm';

/** Big enough for ConvNeXt-Tiny in float32 (114 MB); Workbox's default (2 MB) would silently skip the model. */
export const MAX_PRECACHE_FILE_BYTES = 160 * 1024 * 1024;

/** Vite's content hash in a file name ("-DcHrbrbl."): such URLs never change content, so need no revision. */
export const HASHED_ASSET = /-[A-Za-z0-9_-]{8}\.\w+$/;

interface ModelIndex {
  default?: string;
  models?: { id: string; manifest: string; trained?: boolean }[];
}

/** The folder (relative to the site root) of the index's default model, as the app picks it. */
export function defaultModelFolder(index: ModelIndex): string {
  const models = index.models ?? [];
  const entry = models.find((m) => m.id === index.default) ?? models[0];
  if (!entry) throw new Error('public/models/index.json lists no models: there is no default model to precache');
  return posix.join('models', dirname(entry.manifest));
}

/**
 * The default model, every bundled trained one (the drawn-shapes network) and the first
 * untrained one: what the page offers in one click (a trained network's *Before training*,
 * an untrained one's *Offline:* button) must work for a class offline. Other bundled models
 * are cached when first loaded.
 */
export function precachedModelFolders(index: ModelIndex): string[] {
  const models = index.models ?? [];
  const untrained = models.find((m) => !m.trained);
  const offered = [...models.filter((m) => m.trained), ...(untrained ? [untrained] : [])];
  return [...new Set([defaultModelFolder(index), ...offered.map((m) => posix.join('models', dirname(m.manifest)))])];
}

/** Glob patterns (relative to dist/) of everything the first visit caches. */
export function precacheGlobs(indexPath: string): string[] {
  const index = JSON.parse(readFileSync(indexPath, 'utf8')) as ModelIndex;
  return [
    'index.html',
    // Installing the app from a phone's home screen works offline too.
    'manifest.webmanifest',
    'icons/*.png',
    'assets/*.{js,css,wasm}',
    'samples/*.{png,jpg,jpeg}',
    'models/index.json',
    ...precachedModelFolders(index).map((folder) => `${folder}/*.{json,onnx}`),
  ];
}
