/**
 * The manifest.json saved beside a graph built in the page (*Download model (.onnx)*), so it can be
 * bundled into a deployment like the default model (model/README.md): the file's own checksum
 * (the bundled loader checks it), an id that can name a folder and an index.json entry, every
 * exporter field filled, and no `derived` block, since its labels and input are settled.
 */
import type { Manifest } from '../model/manifest';

/** "convnext_food101.onnx" → "convnext-food101". */
export function bundleId(fileName: string): string {
  const stem = fileName.replace(/\.onnx$/i, '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  return stem || 'checkpoint-model';
}

export function bundledManifest(manifest: Manifest, sha256: string, bytes: number): Manifest {
  const { derived: _derived, ...rest } = manifest;
  // No PyTorch made this graph; the bundled loader wants every exporter field said, so say how it was made.
  const exporter = {
    torch: manifest.exporter.torch || 'none (built in the page)',
    torchvision: manifest.exporter.torchvision || 'none (built in the page)',
    onnx: manifest.exporter.onnx || 'ConvLens checkpoint builder',
    command: manifest.exporter.command || 'ConvLens: Download model (.onnx)',
  };
  return { ...rest, id: bundleId(manifest.file.name), file: { ...manifest.file, sha256, bytes }, exporter };
}
