/**
 * Loading a model, step by step: its bytes, their checksum against the manifest (or, for a
 * foreign model, its graph read and every layer made an output), a session on the best
 * backend, and a check that the session has what the manifest promises. Nothing here
 * replaces the model already loaded: on any failure that one stays usable.
 */
import { inputSpecFor, type InputChoice } from '../model/deriveManifest';
import type { InputSpec, Manifest } from '../model/manifest';
import { addGraphOutputs } from '../model/onnxProto';
import { openSession, type GpuDeviceWatch, type OpenSession, type Session } from './backend';
import { analyseGraph, probe, type ForeignGraph } from './foreignModel';
import { readModelSource, sha256Hex, type ExternalData, type ModelDownloads } from './modelBytes';
import { isCheckpointName } from '../checkpoint/readCheckpoint';
import { buildCheckpointModel } from './checkpointLoad';
import type { BackendChoice, CheckpointBuild, ModelSource, ProgressStage } from './protocol';
import { WorkerError } from './workerError';

export interface LoadedModel extends OpenSession {
  manifest: Manifest;
  /** What the session was made from: a foreign model's bytes with every tap added as an output. */
  bytes: Uint8Array;
  externalData: ExternalData[];
  foreign: ForeignGraph | null;
  /** A graph built from a checkpoint: where to read it again to rebuild at another input size. */
  checkpoint: { source: ModelSource; build: CheckpointBuild } | null;
}

export interface LoadRequest {
  source: ModelSource;
  /** null: a foreign model, whose manifest is derived from its graph. */
  manifest: Manifest | null;
  backend: BackendChoice;
  input: InputChoice | null;
  /** Present: the source is a checkpoint, built into a ConvNeXt graph and manifest here. */
  checkpoint?: CheckpointBuild;
}

export interface Loaded {
  model: LoadedModel;
  /** From the start of compiling to a checked session (and, for a foreign model, its probe). */
  compileMs: number;
  fromCache: boolean;
}

export type LoadProgress = (stage: ProgressStage, loaded: number, total: number | null) => void;

export interface LoadContext {
  progress: LoadProgress;
  downloads: ModelDownloads;
  gpu: GpuDeviceWatch;
  /** Whether the model loaded at the time (this one or a later one) runs on the GPU device. */
  onGpu: () => boolean;
}

export async function loadModel(request: LoadRequest, ctx: LoadContext): Promise<Loaded> {
  let given = request.manifest;
  let { bytes, externalData, fileName, fromCache } = await readModelSource(request.source, ctx.progress, ctx.downloads);
  // A *Model URL* ending in .safetensors/.pth/.pt/.bin is a checkpoint too, built with no companion files.
  const checkpoint = request.checkpoint ?? (!given && isCheckpointName(fileName) ? {} : undefined);
  if (checkpoint) {
    ({ onnx: bytes, manifest: given } = buildCheckpointModel(bytes, fileName, checkpoint, ctx.progress));
  }
  const digest = await sha256Hex(bytes);
  if (given && !checkpoint && digest !== given.file.sha256) {
    throw new WorkerError('model-invalid', `model.onnx does not match its manifest: sha256 is ${digest.slice(0, 12)}…, the manifest says ${given.file.sha256.slice(0, 12)}…. The file may be truncated or from another export.`);
  }
  let foreign: ForeignGraph | null = null;
  let sessionBytes = bytes;
  if (!given) {
    ctx.progress('analyse', 0, null);
    foreign = analyseGraph(bytes, fileName, digest);
    sessionBytes = addGraphOutputs(bytes, foreign.candidates.map((c) => c.value));
  }
  ctx.progress('compile', 0, null);
  const started = performance.now();
  const opened = await openSession(sessionBytes, externalData, request.backend, ctx.gpu, ctx.onGpu);
  let manifest: Manifest;
  try {
    if (foreign) {
      ctx.progress('analyse', 1, null);
      manifest = await probe(opened.ort, opened.session, foreign, request.input);
    } else {
      manifest = given!;
      checkOutputs(opened.session, manifest);
    }
  } catch (e) {
    await opened.session.release().catch(() => undefined); // the previous model stays loaded
    throw e;
  }
  const rebuild = checkpoint ? { source: request.source, build: checkpoint } : null;
  return { model: { ...opened, manifest, bytes: sessionBytes, externalData, foreign, checkpoint: rebuild }, compileMs: performance.now() - started, fromCache };
}

/**
 * A foreign model at another input size or normalisation: same session, manifest derived again.
 * A graph built from a checkpoint has its shapes fixed: it is read again (files, or Cache Storage
 * for a URL) and rebuilt at the new size, in a new session; the old one stays until that works.
 */
export async function reconfigureInput(m: LoadedModel, choice: InputChoice, ctx: LoadContext): Promise<Loaded> {
  const { progress } = ctx;
  if (m.checkpoint) {
    const build = { ...m.checkpoint.build, ...(choice.size !== undefined ? { inputSize: choice.size } : {}) };
    const backend = m.backend.name;
    const loaded = await loadModel({ source: m.checkpoint.source, manifest: null, backend, input: null, checkpoint: build }, ctx);
    const input = withNormalisation(loaded.model.manifest.input, choice);
    return { ...loaded, model: { ...loaded.model, manifest: { ...loaded.model.manifest, input } } };
  }
  if (!m.foreign) throw new WorkerError('model-invalid', 'This model comes with its own manifest; its input is fixed.');
  progress('analyse', 0, null);
  const started = performance.now();
  const manifest = await probe(m.ort, m.session, m.foreign, choice);
  return { model: { ...m, manifest }, compileMs: performance.now() - started, fromCache: false };
}

/** The mean and std a choice names (a preset or custom), on an input that keeps its size and resize. */
function withNormalisation(input: InputSpec, choice: InputChoice): InputSpec {
  if (!choice.normalisation) return input;
  const { mean, std, normalisation } = inputSpecFor({ name: input.name, layout: input.layout, size: input.cropSize }, choice);
  return { ...input, mean, std, normalisation };
}

/** A manifest from another export would fail later, mid-lesson, with a worse message. */
function checkOutputs(session: Session, manifest: Manifest): void {
  const outputs = new Set(session.outputNames);
  const missing = manifest.taps.filter((t) => !outputs.has(t.name)).map((t) => t.name);
  if (missing.length > 0) {
    throw new WorkerError(
      'model-invalid',
      `The manifest does not match the model: ${missing.length} tap(s) are not outputs of model.onnx (${missing.slice(0, 3).join(', ')}${missing.length > 3 ? ', …' : ''}).`,
    );
  }
  if (!session.inputNames.includes(manifest.input.name)) {
    throw new WorkerError('model-invalid', `The manifest's input "${manifest.input.name}" is not an input of model.onnx (it has ${session.inputNames.join(', ')}).`);
  }
}
