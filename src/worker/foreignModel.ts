/**
 * A model that came without a manifest (a dropped file, a Hub model): its graph is read
 * for an image input and the layers worth showing, then one run of zeros tells every
 * layer's real shape, and the manifest is derived from both (src/model/deriveManifest.ts).
 */
import type * as OrtModule from 'onnxruntime-web';
import { deriveManifest, findImageInput, inputSpecFor, ModelInputError, type ImageInput, type InputChoice } from '../model/deriveManifest';
import { findTapCandidates, type TapCandidate } from '../model/graphTaps';
import type { Manifest } from '../model/manifest';
import { OnnxFormatError, readOnnx, type OnnxSummary } from '../model/onnxProto';
import { graphReceptiveFields } from '../model/receptiveField';
import type { Ort, Session } from './backend';
import { WorkerError, errorText } from './workerError';

/** What the worker keeps about a foreign graph to re-derive its manifest (e.g. for a new input size). */
export interface ForeignGraph {
  summary: OnnxSummary;
  image: ImageInput;
  candidates: TapCandidate[];
  fileName: string;
  fileBytes: number;
  sha256: string;
  fields: ReturnType<typeof graphReceptiveFields>;
}

/** Reads a foreign graph: its image input and the layers to show; throws clear WorkerErrors. */
export function analyseGraph(bytes: Uint8Array, fileName: string, sha256: string): ForeignGraph {
  let summary: OnnxSummary;
  try {
    summary = readOnnx(bytes);
  } catch (e) {
    if (e instanceof OnnxFormatError) throw new WorkerError('not-onnx', `"${fileName}": ${e.message}`);
    throw e;
  }
  let image: ImageInput;
  try {
    image = findImageInput(summary);
  } catch (e) {
    if (e instanceof ModelInputError) throw new WorkerError('not-image-model', `"${fileName}": ${e.message}`);
    throw e;
  }
  return { summary, image, candidates: findTapCandidates(summary, image), fileName, fileBytes: bytes.byteLength, sha256, fields: graphReceptiveFields(summary, image.name) };
}

/** Runs zeros through a foreign model once to learn every tap's real dims, then derives its manifest. */
export async function probe(ort: Ort, session: Session, graph: ForeignGraph, choice: InputChoice | null): Promise<Manifest> {
  let input;
  try {
    input = inputSpecFor(graph.image, choice ?? {});
  } catch (e) {
    throw new WorkerError('not-image-model', errorText(e));
  }
  const zeros = new ort.Tensor('float32', new Float32Array(input.shape.reduce((a, b) => a * b, 1)), input.shape);
  let results: Record<string, OrtModule.Tensor>;
  try {
    results = await session.run({ [input.name]: zeros });
  } catch (e) {
    throw new WorkerError('inference', `A first run of "${graph.fileName}" at ${input.cropSize}×${input.cropSize} failed: ${errorText(e)}`);
  }
  const outputs = new Map<string, { dims: number[]; type: string }>();
  for (const [name, t] of Object.entries(results)) {
    outputs.set(name, { dims: [...t.dims], type: t.type });
    t.dispose();
  }
  zeros.dispose();
  try {
    return deriveManifest({ ...graph, fileName: graph.fileName, bytes: graph.fileBytes, input, outputs });
  } catch (e) {
    throw new WorkerError('not-image-model', `"${graph.fileName}": ${errorText(e)}`);
  }
}
