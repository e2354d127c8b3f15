/**
 * The inputs of "How this value is computed" for one layer: the graph values just before
 * the op behind the tap (src/explain/explainSetup.ts), fetched by one run of the photo in a
 * session that has them as extra outputs, plus the op's constants. Only the selected layer's
 * values are added; the session is kept while the same layer of the same model is explained
 * (another position or channel costs nothing), and released when the layer or model changes.
 */
import { setupExplanation } from '../explain/explainSetup';
import type { Manifest, Tap } from '../model/manifest';
import { addGraphOutputs, readOnnx } from '../model/onnxProto';
import { tapOutputName } from '../model/taps';
import type { Session } from './backend';
import type { LoadedModel } from './modelLoad';
import type { ExplainInputs } from './protocol';
import { sessionOptions } from './sessionOptions';
import { runTaps } from './tapRun';
import { WorkerError } from './workerError';

interface Cached {
  model: LoadedModel;
  tap: string;
  session: Session;
  setup: ReturnType<typeof setupExplanation>;
  value: string;
}

export class ExplainRunner {
  private cached: Cached | null = null;

  private async prepare(m: LoadedModel, tap: Tap): Promise<Cached> {
    if (this.cached && this.cached.model.session === m.session && this.cached.tap === tap.name) return this.cached;
    await this.release();
    const value = tapOutputName(tap);
    const summary = readOnnx(m.bytes);
    const setup = setupExplanation(m.bytes, summary, value, { isLogits: tap.kind === 'logits' });
    const have = new Set(m.session.outputNames);
    const extra = setup.values.filter((v) => !have.has(v));
    // Nothing to add (the inputs are already outputs, e.g. the class head's feature map): the model's own session serves.
    const session = extra.length === 0 ? m.session : await m.ort.InferenceSession.create(addGraphOutputs(m.bytes, extra), {
      ...sessionOptions(m.backend.name),
      ...(m.externalData.length > 0 ? { externalData: m.externalData } : {}),
    });
    this.cached = { model: m, tap: tap.name, session, setup, value };
    return this.cached;
  }

  /** Runs the preprocessed photo `tensor` and returns what explaining any position of `tapName` needs. */
  async inputs(m: LoadedModel, tapName: string, tensor: Float32Array): Promise<ExplainInputs> {
    const tap = m.manifest.taps.find((t) => t.name === tapName);
    if (!tap) throw new WorkerError('inference', `The layer "${tapName}" is not in this model.`);
    const c = await this.prepare(m, tap);
    const fetch = [...new Set([...c.setup.values, c.value])];
    // runTaps fetches manifest taps by output name; the values are given the shape of taps here.
    const manifest: Manifest = { ...m.manifest, taps: fetch.map((v) => ({ name: v, kind: 'other', stage: 0, block: null, shape: [], receptiveField: null, description: '', output: v })) };
    const outputs = await runTaps({ ort: m.ort, session: c.session, manifest }, tensor, fetch);
    return {
      tap: tap.name,
      value: c.value,
      plan: c.setup.plan,
      tensors: Object.fromEntries(outputs.map((o) => [o.name, { dims: o.dims, data: o.data }])),
      constants: Object.fromEntries(Object.entries(c.setup.constants).map(([k, t]) => [k, { dims: [...t.dims], data: t.data.slice() }])),
      head: c.setup.head,
    };
  }

  async release(): Promise<void> {
    const c = this.cached;
    this.cached = null;
    if (c && c.session !== c.model.session) await c.session.release().catch(() => undefined);
  }
}

/** Buffers of an explain reply that travel in the transfer list. */
export function explainTransferables(inputs: ExplainInputs): ArrayBuffer[] {
  const buffers = [...Object.values(inputs.tensors), ...Object.values(inputs.constants)].map((t) => t.data.buffer as ArrayBuffer);
  return [...new Set(buffers)];
}
