/**
 * Checkpoints chosen or dropped as files: the small companions (config.json,
 * preprocessor_config.json, a labels file) are read here, the checkpoint itself travels to the
 * worker as a File (read and built there, src/worker/checkpointLoad.ts) and ends in the same
 * loadForeignModel → commitModel as every model. A bad companion file stops the load before
 * anything is sent; the previous model stays.
 */
import { parseJsonFile, parseLabelsFile, sortCheckpointFiles, SidecarError } from '../checkpoint/sidecarFiles';
import type { CheckpointBuild } from '../worker/protocol';
import { loadForeignModel } from './modelActions';
import { useAppStore } from './store';

/** Small files only: a config or labels file over this is not one. */
const MAX_SIDECAR_BYTES = 10_000_000;

async function text(file: File): Promise<string> {
  if (file.size > MAX_SIDECAR_BYTES) throw new SidecarError(`"${file.name}" is ${Math.round(file.size / 1e6)} MB, too large for a config or labels file.`);
  return file.text();
}

export async function readCheckpointSidecars(files: { config: File | null; preprocessorConfig: File | null; labels: File | null }): Promise<CheckpointBuild> {
  const build: CheckpointBuild = {};
  if (files.config) build.config = parseJsonFile(await text(files.config), files.config.name);
  if (files.preprocessorConfig) build.preprocessorConfig = parseJsonFile(await text(files.preprocessorConfig), files.preprocessorConfig.name);
  if (files.labels) build.labels = parseLabelsFile(await text(files.labels), files.labels.name);
  return build;
}

/**
 * Handles files that hold a checkpoint; false when none of them is one, or when an .onnx is
 * among them (then a .bin is that model's external data, for acceptModelFiles).
 */
export function acceptCheckpointFiles(files: readonly File[]): boolean {
  if (files.some((f) => /\.onnx$/i.test(f.name))) return false;
  const sorted = sortCheckpointFiles(files);
  if (!sorted) return false;
  const go = async () => {
    let build: CheckpointBuild;
    try {
      build = await readCheckpointSidecars(sorted);
    } catch (e) {
      useAppStore.setState({ modelError: e instanceof Error ? e.message : String(e) });
      return;
    }
    const loaded = await loadForeignModel({ kind: 'files', model: sorted.checkpoint, externalData: [] }, { checkpoint: build });
    if (loaded && sorted.extraCheckpoints > 0) {
      useAppStore.setState({ photoNotice: `${sorted.extraCheckpoints + 1} checkpoints were given; loaded "${sorted.checkpoint.name}" only.` });
    }
  };
  void go();
  return true;
}
