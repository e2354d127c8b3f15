/**
 * The Filters view's weights: asked of the worker (which holds the model's bytes) once per
 * model and tap, kept for the few taps last shown, so switching views or layers back and
 * forth does not read the file again.
 */
import { useEffect, useState } from 'react';
import { errorText } from '../app/errorText';
import type { LayerWeightsResult } from '../model/layerWeights';
import type { Manifest } from '../model/manifest';
import { inferenceClient } from '../store/workerClient';

export type WeightsState =
  | { status: 'loading' }
  | { status: 'done'; result: LayerWeightsResult; requestedAt: number }
  | { status: 'error'; message: string };

/** Weights kept: a ConvNeXt-Tiny's largest is 2.4 MB, so a few cost little. */
const KEEP = 6;
const cache = new Map<string, LayerWeightsResult>();
const models = new WeakMap<Manifest, number>();
let nextModel = 1;

/** One key per loaded manifest object: a reloaded model (even the same file) is asked again. */
function modelKey(manifest: Manifest): number {
  let k = models.get(manifest);
  if (k === undefined) models.set(manifest, (k = nextModel++));
  return k;
}

export function useLayerWeights(manifest: Manifest | null, value: string | null): WeightsState | null {
  const [state, setState] = useState<{ key: string; state: WeightsState } | null>(null);
  const key = manifest && value ? `${modelKey(manifest)}\u0000${value}` : null;
  useEffect(() => {
    if (!key || !value) return;
    const kept = cache.get(key);
    if (kept) {
      setState({ key, state: { status: 'done', result: kept, requestedAt: performance.now() } });
      return;
    }
    let current = true;
    const requestedAt = performance.now();
    setState({ key, state: { status: 'loading' } });
    inferenceClient()
      .layerWeights(value)
      .then(
        (result) => {
          cache.set(key, result);
          for (const old of cache.keys()) if (cache.size > KEEP) cache.delete(old);
          if (current) setState({ key, state: { status: 'done', result, requestedAt } });
        },
        (e: unknown) => current && setState({ key, state: { status: 'error', message: errorText(e) } }),
      );
    return () => {
      current = false;
    };
  }, [key, value]);
  if (!key) return null;
  return state?.key === key ? state.state : { status: 'loading' };
}
