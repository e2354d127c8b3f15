/**
 * The Examples view's second session: the loaded model with each map tap's per-channel
 * maximum, its position and its mean as extra outputs (src/model/exampleStats.ts), so a
 * folder's photos are read back as 3 × C numbers per tap instead of whole maps. Made once per
 * model, on the first batch of its examples, and released when the model changes. Where it
 * cannot be made or run (an op the backend lacks, a graph it rejects), the pass goes on with
 * whole maps and the page's own scan: slower, with the same examples.
 */
import { addExampleStats, type TapStatNames } from '../model/exampleStats';
import { readOnnx } from '../model/onnxProto';
import { tapOutputName } from '../model/taps';
import type { Session } from './backend';
import type { LoadedModel } from './modelLoad';
import { sessionOptions } from './sessionOptions';

/** One tap of one photo: the statistics of a map, or a small tap's whole output (class scores). */
export type TapStats = { max: Float32Array; at: BigInt64Array | Int32Array; mean: Float32Array } | { data: Float32Array };

interface Prepared {
  model: LoadedModel;
  session: Session;
  names: (TapStatNames | null)[];
  fetch: string[];
}

export class ExampleStatsRunner {
  private prepared: Promise<Prepared | null> | null = null;
  private model: LoadedModel | null = null;

  /** The statistics session of `m` (made on the first call), or null where it cannot be had. */
  prepare(m: LoadedModel): Promise<Prepared | null> {
    if (this.model !== m || !this.prepared) {
      void this.release();
      this.model = m;
      this.prepared = this.create(m).catch(() => null);
    }
    return this.prepared;
  }

  private async create(m: LoadedModel): Promise<Prepared | null> {
    // WebGPU keeps the model's own path: its outputs stay on the GPU, and int64 ArgMax there is untested.
    if (m.backend.name !== 'wasm') return null;
    const opset = readOnnx(m.bytes).opsets.find((o) => o.domain === '' || o.domain === 'ai.onnx')?.version ?? 0;
    const values = m.manifest.taps.map((t) => (t.shape.length === 3 ? tapOutputName(t) : null));
    const { bytes, names } = addExampleStats(m.bytes, values, opset);
    const session = await m.ort.InferenceSession.create(bytes, { ...sessionOptions(m.backend.name), ...(m.externalData.length > 0 ? { externalData: m.externalData } : {}) });
    const fetch = [...new Set(names.flatMap((n, i) => (n ? [n.max, n.argmax, n.mean] : [tapOutputName(m.manifest.taps[i]!)])))];
    return { model: m, session, names, fetch };
  }

  /** `batch` photos stacked in `tensor`: per photo, per manifest tap, its statistics. */
  async run(p: Prepared, tensor: Float32Array, batch: number): Promise<TapStats[][]> {
    const { ort, manifest } = p.model;
    const input = new ort.Tensor('float32', tensor, [batch, ...manifest.input.shape.slice(1)]);
    let results: Awaited<ReturnType<Session['run']>> | null = null;
    try {
      results = await p.session.run({ [manifest.input.name]: input }, p.fetch);
      const out = (name: string) => {
        const t = results![name];
        if (!t) throw new Error(`The statistics session returned no output "${name}".`);
        return t.data as Float32Array | BigInt64Array;
      };
      return Array.from({ length: batch }, (_, b) =>
        p.names.map((n, i): TapStats => {
          if (!n) {
            const all = out(tapOutputName(manifest.taps[i]!)) as Float32Array;
            const per = all.length / batch;
            return { data: all.slice(b * per, (b + 1) * per) };
          }
          const max = out(n.max) as Float32Array;
          const c = max.length / batch;
          const cut = <T extends Float32Array | BigInt64Array>(a: T) => a.subarray(b * c, (b + 1) * c) as T;
          return { max: cut(max), at: cut(out(n.argmax) as BigInt64Array), mean: cut(out(n.mean) as Float32Array) };
        }),
      );
    } finally {
      for (const t of Object.values(results ?? {})) t.dispose();
      input.dispose();
    }
  }

  /** A run that failed: the rest of this model's examples are found from whole maps. */
  fail(m: LoadedModel): void {
    if (this.model !== m) return;
    const failed = this.prepared;
    this.prepared = Promise.resolve(null);
    void failed?.then((p) => p?.session.release()).catch(() => undefined);
  }

  /** Released when the model changes (the next prepare makes the new model's). */
  async release(): Promise<void> {
    const prepared = this.prepared;
    this.prepared = null;
    this.model = null;
    const p = await prepared?.catch(() => null);
    if (p) await p.session.release().catch(() => undefined);
  }
}
