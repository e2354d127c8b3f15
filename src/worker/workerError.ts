/**
 * The worker's own failures: each carries the protocol's error code, so the page can tell
 * a cancelled download from a broken file without reading the message.
 */
import { DecodeError } from '../image/decode';
import type { ErrorCode } from './protocol';

export class WorkerError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * A failure the worker knows keeps its code and text (a photo that will not decode stays a
 * 'decode' error wherever it surfaces); anything else becomes `code`, its text after `prefix`.
 */
export function asWorkerError(e: unknown, code: ErrorCode, prefix = ''): WorkerError {
  if (e instanceof WorkerError) return e;
  if (e instanceof DecodeError) return new WorkerError('decode', e.message);
  return new WorkerError(code, `${prefix}${errorText(e)}`);
}

export function noModel(): WorkerError {
  return new WorkerError('no-model', 'No model is loaded yet.');
}
