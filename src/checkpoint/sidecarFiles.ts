/**
 * Which of the files chosen (or dropped) together is the checkpoint and which are its small
 * companions: config.json, preprocessor_config.json, and a labels file (labels.txt, one name a
 * line, or JSON: a list of names, an {"0": name, ...} map, or a config's id2label).
 * Pure, so the rules are tested without a browser.
 */
import { parseLabelsText } from '../model/deriveManifest';
import { isCheckpointName } from './readCheckpoint';

export interface NamedFile { name: string }

export interface CheckpointFiles<F extends NamedFile> {
  checkpoint: F;
  config: F | null;
  preprocessorConfig: F | null;
  labels: F | null;
  /** More than one checkpoint was given: the first is used, the page says so. */
  extraCheckpoints: number;
}

const base = (name: string) => name.toLowerCase().replace(/^.*[\\/]/, '');

/** null when no checkpoint is among `files`. */
export function sortCheckpointFiles<F extends NamedFile>(files: readonly F[]): CheckpointFiles<F> | null {
  const checkpoints = files.filter((f) => isCheckpointName(f.name));
  if (checkpoints.length === 0) return null;
  const preprocessorConfig = files.find((f) => base(f.name) === 'preprocessor_config.json') ?? null;
  const config = files.find((f) => base(f.name) === 'config.json') ?? null;
  const labels = files.find((f) => f !== preprocessorConfig && f !== config && /\.(txt|json)$/i.test(f.name)) ?? null;
  return { checkpoint: checkpoints[0]!, config, preprocessorConfig, labels, extraCheckpoints: checkpoints.length - 1 };
}

export class SidecarError extends Error {}

export function parseJsonFile(text: string, fileName: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new SidecarError(`"${fileName}" is not valid JSON; the checkpoint was not loaded.`);
  }
}

/** Class names from a labels file's text: one a line, or JSON (list, index map, or id2label). */
export function parseLabelsFile(text: string, fileName: string): string[] {
  if (!/\.json$/i.test(fileName)) return parseLabelsText(text);
  const value = parseJsonFile(text, fileName);
  const record = typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  const map = record && typeof record.id2label === 'object' && record.id2label !== null ? (record.id2label as Record<string, unknown>) : record;
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value as string[];
  if (map) {
    const count = Object.keys(map).length;
    const labels: string[] = [];
    for (let i = 0; i < count; i++) {
      const name = map[String(i)];
      if (typeof name !== 'string') break;
      labels.push(name);
    }
    if (labels.length === count && count > 0) return labels;
  }
  throw new SidecarError(`"${fileName}" holds no class names: expected a JSON list of names or an {"0": "name", …} map.`);
}
