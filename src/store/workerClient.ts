/**
 * The one inference worker client the actions share. Created on first use; tests put a
 * fake in its place (setInferenceClient) so the actions run without a worker.
 */
import { InferenceClient } from '../worker/client';

let client: InferenceClient | null = null;
let onRestart: ((reason: string) => void) | null = null;

export function inferenceClient(): InferenceClient {
  if (!client) {
    client = new InferenceClient();
    client.onRestart = (reason) => onRestart?.(reason);
  }
  return client;
}

/** Who reloads the model after the worker died and was replaced (set once at start-up). */
export function onWorkerRestart(handler: (reason: string) => void): void {
  onRestart = handler;
}

/** Tests: the client the actions use from now on. */
export function setInferenceClient(next: InferenceClient): void {
  client = next;
}
