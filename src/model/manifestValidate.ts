/**
 * Turns untrusted JSON into a Manifest, or throws a ManifestError that names the
 * first field that is wrong. A bad manifest must become a readable message in the
 * page, never a crash deep inside the renderer.
 */
import { TAP_KINDS, type ExportedTapKind, type Manifest, type Tap, type TrainingInfo } from './manifest';

export class ManifestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ManifestError';
  }
}

type Json = Record<string, unknown>;

function fail(path: string, expected: string, got: unknown): never {
  const shown = got === undefined ? 'nothing' : JSON.stringify(got)?.slice(0, 60);
  throw new ManifestError(`manifest field "${path}" should be ${expected}, found ${shown}`);
}

function obj(v: unknown, path: string): Json {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(path, 'an object', v);
  return v as Json;
}
function str(v: unknown, path: string): string {
  if (typeof v !== 'string' || v.length === 0) fail(path, 'a non-empty string', v);
  return v;
}
function num(v: unknown, path: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) fail(path, 'a number', v);
  return v;
}
function posInt(v: unknown, path: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) fail(path, 'a positive integer', v);
  return v;
}
function bool(v: unknown, path: string): boolean {
  if (typeof v !== 'boolean') fail(path, 'true or false', v);
  return v;
}
function nullable<T>(v: unknown, path: string, read: (v: unknown, path: string) => T): T | null {
  return v === null || v === undefined ? null : read(v, path);
}
function arr(v: unknown, path: string): unknown[] {
  if (!Array.isArray(v)) fail(path, 'a list', v);
  return v;
}
function triple(v: unknown, path: string): [number, number, number] {
  const a = arr(v, path);
  if (a.length !== 3) fail(path, 'a list of 3 numbers', v);
  return [num(a[0], `${path}[0]`), num(a[1], `${path}[1]`), num(a[2], `${path}[2]`)];
}

function parseTap(v: unknown, i: number): Tap {
  const p = `taps[${i}]`;
  const t = obj(v, p);
  const kind = t.kind;
  if (typeof kind !== 'string' || !TAP_KINDS.includes(kind as ExportedTapKind)) fail(`${p}.kind`, `one of ${TAP_KINDS.join(', ')}`, kind);
  const shape = arr(t.shape, `${p}.shape`).map((d, j) => posInt(d, `${p}.shape[${j}]`));
  if (kind === 'logits' ? shape.length !== 1 : shape.length !== 3) {
    fail(`${p}.shape`, kind === 'logits' ? '[classes]' : '[C, H, W]', t.shape);
  }
  const rf = obj(t.receptiveField, `${p}.receptiveField`);
  return {
    name: str(t.name, `${p}.name`),
    kind: kind as ExportedTapKind,
    stage: num(t.stage, `${p}.stage`),
    block: nullable(t.block, `${p}.block`, num),
    shape,
    receptiveField: {
      size: num(rf.size, `${p}.receptiveField.size`),
      stride: num(rf.stride, `${p}.receptiveField.stride`),
      offset: num(rf.offset, `${p}.receptiveField.offset`),
    },
    description: str(t.description, `${p}.description`),
  };
}

export function parseManifest(json: unknown): Manifest {
  const m = obj(json, 'manifest');
  if (m.schemaVersion !== 1) fail('schemaVersion', '1', m.schemaVersion);
  const w = obj(m.weights, 'weights');
  const source = w.source;
  if (source !== 'seeded' && source !== 'torchvision' && source !== 'checkpoint') {
    fail('weights.source', 'seeded, torchvision or checkpoint', source);
  }
  const inp = obj(m.input, 'input');
  if (inp.layout !== 'NCHW') fail('input.layout', '"NCHW"', inp.layout);
  if (inp.interpolation !== 'bilinear') fail('input.interpolation', '"bilinear"', inp.interpolation);
  const shape = arr(inp.shape, 'input.shape').map((d, j) => posInt(d, `input.shape[${j}]`));
  if (shape.length !== 4 || shape[0] !== 1 || shape[1] !== 3) fail('input.shape', '[1, 3, H, W]', inp.shape);
  const cropSize = posInt(inp.cropSize, 'input.cropSize');
  if (shape[2] !== cropSize || shape[3] !== cropSize) fail('input.shape', `[1, 3, ${cropSize}, ${cropSize}] (cropSize)`, inp.shape);
  const labels = arr(m.labels, 'labels').map((l, i) => {
    if (typeof l !== 'string') fail(`labels[${i}]`, 'a string', l);
    return l;
  });
  const taps = arr(m.taps, 'taps').map(parseTap);
  if (taps.length === 0) fail('taps', 'a non-empty list', m.taps);
  const names = new Set<string>();
  for (const t of taps) {
    if (names.has(t.name)) throw new ManifestError(`manifest lists tap "${t.name}" twice`);
    names.add(t.name);
  }
  const logits = taps.find((t) => t.kind === 'logits');
  if (logits && labels.length !== logits.shape[0]) {
    throw new ManifestError(`manifest has ${labels.length} labels but the logits tap has ${logits.shape[0]} classes`);
  }
  const file = obj(m.file, 'file');
  const exporter = obj(m.exporter, 'exporter');
  const optional: Pick<Manifest, 'limitation' | 'training'> = {};
  if (m.limitation !== undefined) optional.limitation = str(m.limitation, 'limitation');
  if (m.training !== undefined) optional.training = parseTraining(m.training);
  return {
    schemaVersion: 1,
    id: str(m.id, 'id'),
    displayName: str(m.displayName, 'displayName'),
    arch: str(m.arch, 'arch'),
    weights: {
      source,
      description: str(w.description, 'weights.description'),
      seed: nullable(w.seed, 'weights.seed', num),
      init: nullable(w.init, 'weights.init', str),
      checkpointSha256: nullable(w.checkpointSha256, 'weights.checkpointSha256', str),
    },
    trained: bool(m.trained, 'trained'),
    input: {
      name: str(inp.name, 'input.name'),
      layout: 'NCHW',
      shape: [1, 3, cropSize, cropSize],
      resizeSize: posInt(inp.resizeSize, 'input.resizeSize'),
      cropSize,
      interpolation: 'bilinear',
      mean: triple(inp.mean, 'input.mean'),
      std: triple(inp.std, 'input.std'),
    },
    labels,
    taps,
    file: {
      name: str(file.name, 'file.name'),
      bytes: posInt(file.bytes, 'file.bytes'),
      sha256: str(file.sha256, 'file.sha256'),
      fp16Weights: bool(file.fp16Weights, 'file.fp16Weights'),
      opset: posInt(file.opset, 'file.opset'),
    },
    exporter: {
      torch: str(exporter.torch, 'exporter.torch'),
      torchvision: str(exporter.torchvision, 'exporter.torchvision'),
      onnx: str(exporter.onnx, 'exporter.onnx'),
      command: str(exporter.command, 'exporter.command'),
    },
    ...optional,
  };
}

function parseTraining(v: unknown): TrainingInfo {
  const t = obj(v, 'training');
  const accuracy = num(t.heldOutAccuracy, 'training.heldOutAccuracy');
  if (accuracy < 0 || accuracy > 1) fail('training.heldOutAccuracy', 'a fraction between 0 and 1', accuracy);
  return {
    command: str(t.command, 'training.command'),
    seed: num(t.seed, 'training.seed'),
    torch: str(t.torch, 'training.torch'),
    wallSeconds: num(t.wallSeconds, 'training.wallSeconds'),
    heldOutAccuracy: accuracy,
    heldOutCount: posInt(t.heldOutCount, 'training.heldOutCount'),
  };
}
