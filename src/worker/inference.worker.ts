/// <reference lib="webworker" />
/**
 * The inference worker's entry: the message switch. Requests that need the model wait in
 * the run queue (runQueue.ts) and are done by the engine (inferenceEngine.ts); cancels and
 * debug actions are answered at once, since what they act on may be what the queue waits on.
 */
import { debugAction } from './debugActions';
import { InferenceEngine } from './inferenceEngine';
import { assertNever, isDebugWorkerName, type WorkerRequest, type WorkerResponse } from './protocol';
import { RunQueue, type QueuedRequest } from './runQueue';
import { countWasmMemory } from './wasmMemory';
import { asWorkerError, errorText } from './workerError';

declare const self: DedicatedWorkerGlobalScope;

function post(message: WorkerResponse, transfer: Transferable[] = []): void {
  self.postMessage(message, transfer);
}

function handle(request: QueuedRequest): Promise<void> {
  switch (request.type) {
    case 'load-model':
      return engine.load(request.id, request);
    case 'configure-input':
      return engine.configureInput(request.id, request.input);
    case 'run':
      return engine.run(request.id, request.image);
    case 'run-frame':
      return engine.runFrame(request.id, request.frame, request.mirror, request.taps);
    case 'class-head':
      return engine.classHead(request.id);
    case 'explain-inputs':
      return engine.explainInputs(request.id, request.image, request.tap);
    case 'occlude':
      return engine.occlude(request.id, request);
    case 'examples-batch':
      return engine.examplesBatch(request.id, request);
    case 'examples-maps':
      return engine.examplesMaps(request.id, request);
    default:
      return assertNever(request, 'queued request');
  }
}

function receive(request: WorkerRequest): void {
  switch (request.type) {
    case 'cancel':
      engine.stopOcclusion(request.target);
      queue.cancelOcclusion(request.target);
      return;
    case 'cancel-download':
      engine.downloads.cancel(); // at once, not queued: the download it stops is what the queue waits on
      return;
    case 'layer-weights':
      // At once: a pure read of the model's bytes, which need not wait behind a run.
      try {
        engine.layerWeights(request.id, request.value);
      } catch (e) {
        const error = asWorkerError(e, 'model-invalid', 'The weights could not be read: ');
        post({ type: 'error', id: request.id, code: error.code, message: error.message });
      }
      return;
    case 'model-bytes':
      try {
        engine.modelBytes(request.id);
      } catch (e) {
        const error = asWorkerError(e, 'no-model', 'The model could not be read: ');
        post({ type: 'error', id: request.id, code: error.code, message: error.message });
      }
      return;
    case 'debug':
      debugAction(request.action, { engine, queue, enabled: debug }).then(
        (stats) => stats && post({ type: 'debug-reply', id: request.id, stats }),
        (e: unknown) => post({ type: 'error', id: request.id, code: 'internal', message: errorText(e) }),
      );
      return;
    case 'run-frame':
      engine.frameReceived();
      queue.enqueue(request);
      return;
    case 'load-model':
    case 'configure-input':
    case 'run':
    case 'class-head':
    case 'explain-inputs':
    case 'occlude':
    case 'examples-batch':
    case 'examples-maps':
      queue.enqueue(request);
      return;
    default: {
      // Checked here and by the compiler: a new request type must be handled above.
      const unknown: never = request;
      const { id, type } = unknown as { id: number; type: unknown };
      post({ type: 'error', id, code: 'internal', message: `Unknown worker request type "${String(type)}"` });
    }
  }
}

const debug = isDebugWorkerName(self.name);
const engine = new InferenceEngine(post);
const queue = new RunQueue({
  handle,
  reply: post,
  dropped: (request) => {
    if (request.type === 'run-frame') engine.closeFrame(request.frame);
  },
  photoReplaced: () => engine.stopOcclusion(),
});

// onnxruntime's WASM threads start workers from this same script; they must not
// take our message handler.
if (!self.name.startsWith('em-pthread')) {
  // Before onnxruntime is first imported (at the first model load), so every memory it makes is counted.
  if (debug) countWasmMemory();
  self.addEventListener('message', (event: MessageEvent<unknown>) => {
    const request = event.data as { id?: unknown; type?: unknown } | null;
    if (typeof request !== 'object' || request === null || typeof request.id !== 'number') {
      throw new Error(`Malformed worker request: ${JSON.stringify(request)}`);
    }
    receive(request as WorkerRequest);
  });
}
