/**
 * Asks the worker, once per layer, photo run and model, for what explaining any position of
 * that layer needs (src/worker/explainRun.ts). Choosing another position or channel of the same
 * layer then asks nothing: the explanation of one value is computed on the page, at once.
 */
import { useEffect, useState } from 'react';
import { errorText } from '../app/errorText';
import { useCameraStore } from '../camera/cameraStore';
import { useAppStore } from '../store/store';
import { inferenceClient } from '../store/workerClient';
import type { ExplainInputs } from '../worker/protocol';

export type ExplainInputsState =
  | { status: 'idle' }
  /** The maps follow a live camera: each frame would need its own run, so nothing is asked. */
  | { status: 'camera' }
  | { status: 'loading' }
  | { status: 'ready'; inputs: ExplainInputs }
  | { status: 'error'; message: string };

/** Results kept by key, so switching between two taps (a pool and the class score) does not ask again. */
const cache = new Map<string, ExplainInputs>();
const CACHE_SIZE = 4;

export function useExplainInputs(tap: string | null): ExplainInputsState {
  const runId = useAppStore((s) => s.activations?.runId ?? null);
  const modelId = useAppStore((s) => s.model?.manifest.id ?? null);
  const blob = useAppStore((s) => s.photos.main?.blob ?? null);
  const live = useCameraStore((s) => s.state === 'live' || s.state === 'starting');
  const key = tap && runId !== null && modelId && blob && !live ? `${modelId}|${runId}|${tap}` : null;
  const [state, setState] = useState<{ key: string | null; value: ExplainInputsState }>({ key: null, value: { status: 'idle' } });

  useEffect(() => {
    if (!key || !tap || !blob) return;
    const hit = cache.get(key);
    if (hit) {
      setState({ key, value: { status: 'ready', inputs: hit } });
      return;
    }
    let live = true;
    setState({ key, value: { status: 'loading' } });
    inferenceClient()
      .explainInputs(blob, tap)
      .then(
        (inputs) => {
          cache.set(key, inputs);
          while (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value!);
          if (live) setState({ key, value: { status: 'ready', inputs } });
        },
        (e: unknown) => live && setState({ key, value: { status: 'error', message: errorText(e) } }),
      );
    return () => {
      live = false;
    };
  }, [key, tap, blob]);

  if (live) return { status: 'camera' };
  return state.key === key ? state.value : key ? { status: 'loading' } : { status: 'idle' };
}
