/**
 * The *Why* view's async work: asking the worker for the model's class evidence head and
 * running, cancelling and forgetting occlusion maps. Results land in the store (whySlice.ts).
 */
import { errorText } from '../app/errorText';
import { InferenceError } from '../worker/client';
import { useAppStore } from './store';
import { inferenceClient } from './workerClient';

let headFor: string | null = null;
/** The occlusion request now running, for Cancel. */
let occlusionId: number | null = null;

/** Asks once per loaded model; the view calls it whenever it shows. */
export async function ensureClassHead(): Promise<void> {
  const model = useAppStore.getState().model;
  if (!model) return;
  const modelId = model.manifest.id;
  if (useAppStore.getState().whyHead?.modelId === modelId || headFor === modelId) return;
  headFor = modelId;
  try {
    const { head, reason } = await inferenceClient().classHead();
    if (useAppStore.getState().model?.manifest.id === modelId) useAppStore.setState({ whyHead: { modelId, head, reason } });
  } catch (e) {
    useAppStore.setState({ whyHead: { modelId, head: null, reason: `the head could not be read (${errorText(e)})` } });
  } finally {
    headFor = null;
  }
}

export async function runOcclusion(classIndex: number): Promise<void> {
  const s = useAppStore.getState();
  if (!s.model || !s.activations || !s.photos.main || s.occlusionProgress) return;
  const { runId } = s.activations;
  const modelId = s.model.manifest.id;
  useAppStore.setState({ occlusionProgress: { stage: 'occlusion', loaded: 0, total: null }, occlusionError: null });
  try {
    const result = await inferenceClient().occlude(
      s.photos.main.blob,
      { classIndex, patch: s.whyPatch, stride: s.whyStride },
      (p) => useAppStore.setState({ occlusionProgress: p }),
      (id) => (occlusionId = id),
    );
    const now = useAppStore.getState();
    if (now.activations?.runId !== runId || now.model?.manifest.id !== modelId) {
      useAppStore.setState({ occlusionProgress: null });
      return;
    }
    useAppStore.setState({ occlusion: { result, runId, modelId }, occlusionProgress: null });
  } catch (e) {
    const cancelled = e instanceof InferenceError && e.code === 'cancelled';
    useAppStore.setState({ occlusionProgress: null, occlusionError: cancelled ? null : `Occlusion failed: ${errorText(e)}` });
  } finally {
    occlusionId = null;
  }
}

export function cancelOcclusion(): void {
  if (occlusionId !== null) inferenceClient().cancel(occlusionId);
}
