import type { BareReply, BareRequest } from './bare.worker';

/** Called by bench/run.mjs through page.evaluate. */
function runBare(request: BareRequest): Promise<BareReply> {
  const worker = new Worker(new URL('./bare.worker.ts', import.meta.url), { type: 'module', name: 'bench-bare' });
  return new Promise((resolve) => {
    worker.addEventListener('message', (e: MessageEvent<BareReply>) => {
      worker.terminate();
      resolve(e.data);
    });
    worker.postMessage(request);
  });
}

(window as unknown as { runBare: typeof runBare }).runBare = runBare;
