/**
 * Class names for a checkpoint's head, first found of: a labels file chosen with it (the user
 * said so), transformers' config.json id2label (not its LABEL_0.. placeholders), timm's
 * config.json label_names, Food-101's names for a 101-way head (the tutorial's), and for a
 * 1000-way head none here: the app fills in ImageNet-1k's (src/store/modelLabels.ts fetches
 * them for any manifest with `derived` and 1000 classes). Otherwise "class 0" … "class N-1".
 */
import type { DerivedInfo } from '../model/manifest';
import { FOOD101_LABELS } from './food101Labels';

export interface CheckpointLabels {
  labels: string[];
  source: DerivedInfo['labelsSource'];
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** id2label as a list, or null when missing, incomplete, or transformers' LABEL_i defaults. */
function id2label(config: unknown, classes: number): string[] | null {
  if (!isObject(config) || !isObject(config.id2label)) return null;
  const map = config.id2label;
  const labels: string[] = [];
  for (let i = 0; i < classes; i++) {
    const name = map[String(i)];
    if (typeof name !== 'string') return null;
    labels.push(name);
  }
  return labels.every((l, i) => l === `LABEL_${i}`) ? null : labels;
}

function labelNames(config: unknown, classes: number): string[] | null {
  if (!isObject(config)) return null;
  const cfg = isObject(config.pretrained_cfg) ? config.pretrained_cfg : {};
  const names = config.label_names ?? cfg.label_names;
  return Array.isArray(names) && names.length === classes && names.every((n) => typeof n === 'string') ? (names as string[]) : null;
}

export function checkpointLabels(classes: number | null, config: unknown, given: readonly string[] | undefined): CheckpointLabels {
  if (classes === null) return { labels: [], source: 'none' };
  if (given?.length === classes) return { labels: [...given], source: 'file' };
  const fromConfig = id2label(config, classes) ?? labelNames(config, classes);
  if (fromConfig) return { labels: fromConfig, source: 'config' };
  if (classes === FOOD101_LABELS.length) return { labels: [...FOOD101_LABELS], source: 'food101' };
  // Left empty: the app names a 1000-way head with ImageNet-1k's classes and says so.
  if (classes === 1000) return { labels: [], source: 'none' };
  return { labels: Array.from({ length: classes }, (_, i) => `class ${i}`), source: 'none' };
}
