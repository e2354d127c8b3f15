/**
 * onnxruntime-web settings shared by the app's worker and the benchmark's bare
 * worker, so "bare session.run" in `npm run bench` means the app's own settings.
 */
import type { InferenceSession } from 'onnxruntime-web';

export type ExecutionBackend = 'wasm' | 'webgpu';

/** WASM threads: SharedArrayBuffer needs cross-origin isolation; more than 4 stops paying off. */
export function wasmThreadCount(isolated: boolean, cores: number): number {
  if (!isolated) return 1;
  return Math.max(1, Math.min(4, cores || 1));
}

export function sessionOptions(backend: ExecutionBackend): InferenceSession.SessionOptions {
  return {
    executionProviders: [backend],
    graphOptimizationLevel: 'all',
    // onnxruntime's threads spin for a while after each run, waiting for the next one. On a
    // 2-core laptop that is a core the page needs to paint the result (and, live, to take
    // the next camera frame); they still spin between the operators of a run.
    extra: { session: { force_spinning_stop: '1' } },
    // WebGPU outputs stay on the GPU and are read back together (gpuReadback.ts).
    ...(backend === 'webgpu' ? { preferredOutputLocation: 'gpu-buffer' as const } : {}),
  };
}
