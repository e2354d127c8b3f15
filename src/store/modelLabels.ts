/**
 * Class names for a foreign model: its own metadata's, then a labels.txt the user gave
 * (dropped with the model or later), then ImageNet's when the head has 1000 outputs.
 */
import { parseLabelsText } from '../model/deriveManifest';
import type { Manifest } from '../model/manifest';
import { softmax, topK } from '../render/predictions';
import { logitsTap } from '../model/taps';
import { useAppStore } from './store';

/** ImageNet-1k class names (torchvision's order), used when a head has 1000 outputs and no labels. */
export const IMAGENET_LABELS_URL = 'models/imagenet-labels.txt';

function logitsCount(manifest: Manifest): number | null {
  return logitsTap(manifest)?.shape[0] ?? null;
}

async function imagenetLabels(): Promise<string[] | null> {
  try {
    const response = await fetch(new URL(IMAGENET_LABELS_URL, document.baseURI).href);
    return response.ok ? parseLabelsText(await response.text()) : null;
  } catch {
    return null;
  }
}

/** Labels for a derived manifest: its metadata's, then ones the user gave, then ImageNet's for 1000 classes. */
export async function withLabels(manifest: Manifest, given: string[] | null, givenSource: 'file' | 'config' = 'file'): Promise<Manifest> {
  const classes = logitsCount(manifest);
  if (!manifest.derived || classes === null || (manifest.labels.length === classes && givenSource !== 'config')) return manifest;
  if (given?.length === classes) return { ...manifest, labels: given, derived: { ...manifest.derived, labelsSource: givenSource } };
  if (classes === 1000) {
    const labels = await imagenetLabels();
    if (labels?.length === 1000) return { ...manifest, labels, derived: { ...manifest.derived, labelsSource: 'imagenet' } };
  }
  return manifest;
}

/** A dropped or chosen labels.txt for the loaded model: names its classes and the top-5 shown. */
export async function applyLabelsFile(file: File): Promise<void> {
  const labels = parseLabelsText(await file.text());
  const s = useAppStore.getState();
  const manifest = s.model?.manifest;
  const classes = manifest ? logitsCount(manifest) : null;
  if (!s.model || !manifest || classes === null) {
    useAppStore.setState({ modelError: `"${file.name}" has labels, but the loaded model has no class output to name.` });
    return;
  }
  if (labels.length !== classes) {
    useAppStore.setState({ modelError: `"${file.name}" has ${labels.length} labels, but the model has ${classes} classes; the labels were not used.` });
    return;
  }
  const next: Manifest = { ...manifest, labels, ...(manifest.derived ? { derived: { ...manifest.derived, labelsSource: 'file' as const } } : {}) };
  const activations = s.activations;
  const logitsName = logitsTap(manifest)!.name;
  const logits = activations?.tensors.get(logitsName);
  useAppStore.setState({
    model: { ...s.model, manifest: next },
    modelError: null,
    activations: activations && logits ? { ...activations, top5: topK(softmax(logits.data), labels, 5) } : activations,
  });
}
