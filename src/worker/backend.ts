/**
 * Which onnxruntime-web build runs a model, and the session it runs in: WebGPU when the
 * browser has a working adapter and the session really opens, WASM otherwise, with the
 * reason kept for the status line. A lost GPU device is noticed here, so the next run can
 * move to WASM instead of failing on a dead session.
 */
import type * as OrtModule from 'onnxruntime-web';
import type { BackendChoice, BackendInfo, BackendName } from './protocol';
import type { ExternalData } from './modelBytes';
import { sessionOptions, wasmThreadCount } from './sessionOptions';
import { WorkerError, errorText } from './workerError';

export type Ort = typeof OrtModule;
export type Session = OrtModule.InferenceSession;

/** A session with the onnxruntime build that made it and what the page is told about it. */
export interface OpenSession {
  ort: Ort;
  session: Session;
  backend: BackendInfo;
}

export function wasmThreads(): number {
  return wasmThreadCount(self.crossOriginIsolated, navigator.hardwareConcurrency);
}

// Two separate builds: the WASM-only one is half the download of the WebGPU one.
async function importOrt(kind: BackendName): Promise<Ort> {
  const ort: Ort = kind === 'webgpu' ? await import('onnxruntime-web/webgpu') : await import('onnxruntime-web/wasm');
  ort.env.wasm.numThreads = wasmThreads();
  ort.env.logLevel = 'error';
  return ort;
}

async function gpuAdapter(): Promise<{ adapter: GPUAdapter | null; reason: string | null }> {
  if (!('gpu' in navigator) || !navigator.gpu) return { adapter: null, reason: 'this browser has no WebGPU' };
  try {
    const adapter = await navigator.gpu.requestAdapter();
    return adapter ? { adapter, reason: null } : { adapter: null, reason: 'no WebGPU adapter is available' };
  } catch (e) {
    return { adapter: null, reason: `WebGPU adapter request failed: ${errorText(e)}` };
  }
}

function adapterLabel(adapter: GPUAdapter): string {
  const info = adapter.info;
  return [info.vendor, info.architecture, info.description].filter((s) => s).join(' ') || 'unknown GPU';
}

function backendInfo(name: BackendName, fallbackReason: string | null, adapter: string | null): BackendInfo {
  return { name, threads: name === 'wasm' ? wasmThreads() : 0, crossOriginIsolated: self.crossOriginIsolated, fallbackReason, adapter };
}

async function createSession(ort: Ort, bytes: Uint8Array, backend: BackendName, externalData: ExternalData[]): Promise<Session> {
  return ort.InferenceSession.create(bytes, {
    ...sessionOptions(backend),
    ...(externalData.length > 0 ? { externalData } : {}),
  });
}

const UNSUPPORTED_OP = /Could not find an implementation|is not a registered function\/op|not supported|unsupported|No opset import for domain|opset .* is under development/i;

/** onnxruntime's reason a session did not open, in words that say what to do about it. */
export function sessionError(e: unknown, backend: BackendName): WorkerError {
  const text = errorText(e);
  if (UNSUPPORTED_OP.test(text)) {
    return new WorkerError('unsupported-op', `This model uses an operator that onnxruntime-web cannot run on ${backend.toUpperCase()}: ${text}`);
  }
  if (/external data|\.data\b|file.*not found/i.test(text)) {
    return new WorkerError('session', `onnxruntime could not open this model: ${text}. If its weights are in a separate data file, drop the .onnx file and its data file together.`);
  }
  return new WorkerError('session', `onnxruntime could not open this model: ${text}`);
}

/**
 * Watches the GPUDevice onnxruntime created for itself: a lost device (driver reset, a tab
 * in the background on some GPUs) must not leave the worker on a dead session.
 */
export class GpuDeviceWatch {
  /** Why the device was lost, while the loaded model is still on WebGPU; null when it is fine. */
  lost: string | null = null;

  /** `onGpu` says, when the device goes, whether the model loaded then still uses it. */
  async watch(ort: Ort, onGpu: () => boolean): Promise<void> {
    this.lost = null;
    const device = await ort.env.webgpu.device;
    void device.lost.then((info) => {
      if (onGpu()) this.lost = info.message ? `${info.reason}: ${info.message}` : info.reason;
    });
  }
}

/**
 * A session for `bytes` on the backend `choice` allows: WebGPU first unless WASM was asked
 * for, WASM when WebGPU is missing or its session fails. A failing WASM session is the
 * model's fault and throws.
 */
export async function openSession(bytes: Uint8Array, externalData: ExternalData[], choice: BackendChoice, gpu: GpuDeviceWatch, onGpu: () => boolean): Promise<OpenSession> {
  let fallbackReason: string | null = null;
  if (choice !== 'wasm') {
    const { adapter, reason } = await gpuAdapter();
    if (adapter) {
      let session: Session | null = null;
      try {
        const ort = await importOrt('webgpu');
        session = await createSession(ort, bytes, 'webgpu', externalData);
        await gpu.watch(ort, onGpu);
        return { ort, session, backend: backendInfo('webgpu', null, adapterLabel(adapter)) };
      } catch (e) {
        await session?.release().catch(() => undefined);
        fallbackReason = `WebGPU session failed (${errorText(e)}), using WASM`;
      }
    } else if (choice === 'webgpu') {
      // Only worth a word when WebGPU was asked for; 'auto' on a browser without it is normal.
      fallbackReason = `${reason}, using WASM`;
    }
  }
  const ort = await importOrt('wasm');
  try {
    return { ort, session: await createSession(ort, bytes, 'wasm', externalData), backend: backendInfo('wasm', fallbackReason, null) };
  } catch (e) {
    throw sessionError(e, 'wasm');
  }
}

/** The same model on WASM, after WebGPU failed a run or lost its device; `reason` is shown. */
export async function reopenOnWasm(bytes: Uint8Array, externalData: ExternalData[], reason: string): Promise<OpenSession> {
  const ort = await importOrt('wasm');
  const session = await createSession(ort, bytes, 'wasm', externalData);
  return { ort, session, backend: backendInfo('wasm', reason, null) };
}
