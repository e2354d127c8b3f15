/**
 * The largest model ConvLens will try to open. onnxruntime-web's WebAssembly build has
 * a 32-bit heap (4 GB at most): the file's bytes are copied into it, the weights are
 * unpacked next to them, and every layer's activations are kept for display, so past
 * about 1.5 GB a tab runs out of memory partway, usually with no useful error.
 * Checked before a file is read or a download's body is consumed.
 */
export const MAX_MODEL_BYTES = 1_500_000_000;

export function megabytes(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

/** null when `bytes` is fine, else the message to show. */
export function tooLargeMessage(bytes: number, what: string): string | null {
  if (bytes <= MAX_MODEL_BYTES) return null;
  return `${what} is ${megabytes(bytes)}, more than the ${megabytes(MAX_MODEL_BYTES)} a browser tab can hold for onnxruntime-web (32-bit WebAssembly memory); it was not loaded. Export a smaller model, or store its weights as float16.`;
}
