/**
 * One session.run that fetches every tap of the manifest at once (or the ones a live camera
 * frame asks for: src/camera/frameTaps.ts), and hands each back as a float32 array the page
 * can own (transferred, never copied again): read back from the GPU in one go on WebGPU,
 * widened from float16 where the model stores that.
 */
import type * as OrtModule from 'onnxruntime-web';
import type { Manifest } from '../model/manifest';
import { logitsTap, tapOutputName } from '../model/taps';
import type { OpenSession } from './backend';
import { float16DataToFloat32, gpuDataToFloat32, gpuReadbackBytes } from './float16';
import { readBackAll } from './gpuReadback';
import type { TapOutput } from './protocol';
import { WorkerError } from './workerError';

function ownedCopy(data: Float32Array): Float32Array {
  // A transferred buffer must belong to this array alone and must not be WASM memory.
  const whole = data.byteOffset === 0 && data.byteLength === data.buffer.byteLength;
  const shared = typeof SharedArrayBuffer !== 'undefined' && data.buffer instanceof SharedArrayBuffer;
  return whole && !shared ? data : data.slice();
}

/**
 * `only`: names of the taps to fetch (in any order; they come back in manifest order), null
 * for every tap. The graph is run the same either way; the others are simply not copied out.
 * `batch`: photos stacked in `tensor` (a model with a dynamic batch axis); each output then
 * holds all of them (src/worker/tapBatch.ts cuts them apart).
 */
export async function runTaps(m: Pick<OpenSession, 'ort' | 'session'> & { manifest: Manifest }, tensor: Float32Array, only: readonly string[] | null = null, batch = 1): Promise<TapOutput[]> {
  const { ort, session, manifest } = m;
  const taps = only ? manifest.taps.filter((t) => only.includes(t.name)) : manifest.taps;
  if (taps.length === 0) throw new WorkerError('inference', `None of the taps asked for (${only!.join(', ')}) is in this model.`);
  const input = new ort.Tensor('float32', tensor, [batch, ...manifest.input.shape.slice(1)]);
  let results: OrtModule.InferenceSession.OnnxValueMapType | null = null;
  try {
    const feeds = { [manifest.input.name]: input };
    results = await (only ? session.run(feeds, [...new Set(taps.map(tapOutputName))]) : session.run(feeds));
    const outputs = taps.map((tap) => {
      const out = results![tapOutputName(tap)];
      if (!out) throw new WorkerError('inference', `The model returned no output "${tapOutputName(tap)}".`);
      if (out.type !== 'float32' && out.type !== 'float16') throw new WorkerError('inference', `Output "${tap.name}" is ${out.type}, expected float32 or float16.`);
      return out;
    });
    // An output made by a node onnxruntime ran on its CPU fallback can arrive on the CPU.
    const onGpu = outputs.filter((out) => out.location === 'gpu-buffer');
    const fromGpu = onGpu.length > 0 ? await readBackAll(await ort.env.webgpu.device, onGpu.map((out) => ({ buffer: out.gpuBuffer as GPUBuffer, byteLength: gpuReadbackBytes(out.type, out.size) }))) : [];
    let next = 0;
    return taps.map((tap, i) => {
      const out = outputs[i]!;
      // fp16 models: float16 maps become float32 for display and .npy.
      const data = out.location === 'gpu-buffer' ? gpuDataToFloat32(out.type, fromGpu[next++]!, out.size) : out.type === 'float16' ? float16DataToFloat32(out.data) : ownedCopy(out.data as Float32Array);
      return { name: tap.name, dims: [...out.dims], data };
    });
  } finally {
    // Failed runs too: a tensor left undisposed keeps its (GPU) buffer for the whole lesson.
    for (const out of Object.values(results ?? {})) out.dispose();
    input.dispose();
  }
}

/**
 * A broken GPU path has been seen to return all-zero logits without any error. The class
 * scores are checked where the model has them; a model without a head has its last tap
 * checked instead, the deepest map it has.
 */
export function saneOutputs(taps: readonly TapOutput[], manifest: Pick<Manifest, 'taps'>): boolean {
  const head = logitsTap(manifest);
  const checked = head ? taps.find((t) => t.name === head.name) : taps.at(-1);
  if (!checked) return false;
  let anyNonZero = false;
  for (const v of checked.data) {
    if (!Number.isFinite(v)) return false;
    if (v !== 0) anyNonZero = true;
  }
  return anyNonZero;
}
