/**
 * Hugging Face Hub model references, pure: what a teacher types or pastes, the URLs of
 * the Hub's public API and file endpoints, and the ONNX variants a repo offers.
 * Network calls live in hubClient.ts; this file only computes.
 *
 * Layout followed (the Hub's documented public endpoints, as transformers.js uses them):
 * - listing: https://huggingface.co/api/models/<id>[/revision/<rev>]?blobs=true
 *   → { id, sha, siblings: [{ rfilename, size, lfs?: { size } }] }
 * - a file:  https://huggingface.co/<id>/resolve/<rev>/<path> (302 to the file CDN)
 * - the model card: https://huggingface.co/<id>
 */

export const HUB_ORIGIN = 'https://huggingface.co';
export const DEFAULT_REVISION = 'main';

export interface HubRef {
  /** "owner/name" */
  repo: string;
  revision: string;
  /** A file path inside the repo when a file URL was pasted (e.g. "onnx/model_fp16.onnx"). */
  file: string | null;
}

export class HubRefError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HubRefError';
  }
}

// The Hub's rules for repo names: letters, digits, "-", "_", "."; no "--" or ".." and no leading/trailing "-" or ".".
const PART = /^(?![-.])(?!.*(--|\.\.))[A-Za-z0-9_.-]{1,96}(?<![-.])$/;
const REV = /^[A-Za-z0-9_./-]{1,200}$/;

function checkRepo(owner: string, name: string, text: string): string {
  if (!PART.test(owner) || !PART.test(name)) throw new HubRefError(`"${text}" is not a Hugging Face model id: expected owner/name, e.g. Xenova/convnext-tiny-224.`);
  return `${owner}/${name}`;
}

function checkRevision(rev: string, text: string): string {
  if (!REV.test(rev) || rev.includes('..')) throw new HubRefError(`"${text}": "${rev}" is not a revision (a branch, tag or commit).`);
  return rev;
}

/**
 * Parses `owner/name`, `owner/name@rev`, and Hub page or file URLs:
 * `https://huggingface.co/owner/name[/tree/<rev>]`, `…/resolve/<rev>/<path>`, `…/blob/<rev>/<path>`
 * (hf.co too). Throws HubRefError with a sentence for the page.
 */
export function parseHubRef(input: string): HubRef {
  const text = input.trim();
  if (!text) throw new HubRefError('Type a Hugging Face model id (owner/name) or paste a link to it.');
  if (/^https?:\/\//i.test(text)) return parseHubUrl(text);
  const m = /^([^/@\s]+)\/([^/@\s]+)(?:@(\S+))?$/.exec(text);
  if (!m) throw new HubRefError(`"${text}" is not a Hugging Face model id: expected owner/name, e.g. Xenova/convnext-tiny-224.`);
  return { repo: checkRepo(m[1]!, m[2]!, text), revision: m[3] ? checkRevision(m[3], text) : DEFAULT_REVISION, file: null };
}

function parseHubUrl(text: string): HubRef {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new HubRefError(`"${text}" is not a URL.`);
  }
  if (!/^(www\.)?(huggingface\.co|hf\.co)$/i.test(url.hostname)) {
    throw new HubRefError(`"${text}" is not on huggingface.co. For a model file on another site, use Model URL instead.`);
  }
  const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts[0] === 'models') parts.shift(); // https://huggingface.co/models/owner/name is not a page, but be kind
  if (parts[0] === 'datasets' || parts[0] === 'spaces') throw new HubRefError(`"${text}" is a ${parts[0].slice(0, -1)}, not a model.`);
  if (parts.length < 2) throw new HubRefError(`"${text}" does not name a model: expected https://huggingface.co/owner/name.`);
  const repo = checkRepo(parts[0]!, parts[1]!, text);
  const kind = parts[2];
  if (kind === undefined) return { repo, revision: DEFAULT_REVISION, file: null };
  if (kind === 'tree' && parts[3]) return { repo, revision: checkRevision(parts[3], text), file: null };
  if ((kind === 'resolve' || kind === 'blob') && parts[3] && parts.length > 4) {
    return { repo, revision: checkRevision(parts[3], text), file: parts.slice(4).join('/') };
  }
  // /discussions, /commits, /settings…: the repo is still clear.
  return { repo, revision: DEFAULT_REVISION, file: null };
}

const enc = (path: string) => path.split('/').map(encodeURIComponent).join('/');

export function apiUrl(ref: Pick<HubRef, 'repo' | 'revision'>): string {
  const base = `${HUB_ORIGIN}/api/models/${ref.repo}`;
  return `${ref.revision === DEFAULT_REVISION ? base : `${base}/revision/${encodeURIComponent(ref.revision)}`}?blobs=true`;
}

export function fileUrl(ref: Pick<HubRef, 'repo' | 'revision'>, path: string): string {
  return `${HUB_ORIGIN}/${ref.repo}/resolve/${encodeURIComponent(ref.revision)}/${enc(path)}`;
}

export function modelCardUrl(ref: Pick<HubRef, 'repo' | 'revision'>): string {
  return ref.revision === DEFAULT_REVISION ? `${HUB_ORIGIN}/${ref.repo}` : `${HUB_ORIGIN}/${ref.repo}/tree/${encodeURIComponent(ref.revision)}`;
}

export interface HubFile {
  path: string;
  /** null when the listing gave no size. */
  bytes: number | null;
}

/** The file list of an /api/models answer; throws HubRefError when it is not one. */
export function filesFromListing(json: unknown): HubFile[] {
  const siblings = (json as { siblings?: unknown } | null)?.siblings;
  if (!Array.isArray(siblings)) throw new HubRefError('The Hub answered without a file list (no "siblings").');
  const files: HubFile[] = [];
  for (const s of siblings as { rfilename?: unknown; size?: unknown; lfs?: { size?: unknown } }[]) {
    if (typeof s?.rfilename !== 'string') continue;
    const size = typeof s.lfs?.size === 'number' ? s.lfs.size : typeof s.size === 'number' ? s.size : null;
    files.push({ path: s.rfilename, bytes: size });
  }
  return files;
}

export interface OnnxVariant {
  /** Short key used in links: "" for onnx/model.onnx, "fp16", "quantized", …; the path for other files. */
  key: string;
  path: string;
  bytes: number | null;
  /** Weights stored with fewer bits than float16 (int8, uint8, 4-bit): results only approximate the original. */
  approximate: boolean;
  label: string;
  /** A PyTorch checkpoint (model.safetensors, pytorch_model.bin): read and built into a ConvNeXt graph in the page. */
  checkpoint?: true;
}

// transformers.js's file naming: onnx/model[_<dtype>].onnx
const STANDARD = /^onnx\/model(?:_([a-z0-9]+))?\.onnx$/;
const ORDER = ['', 'fp16', 'quantized', 'int8', 'uint8', 'q4', 'q4f16', 'bnb4'];
const DESCRIBE: Record<string, string> = {
  '': 'float32',
  fp16: 'float16',
  quantized: '8-bit quantized',
  int8: 'int8',
  uint8: 'uint8',
  q4: '4-bit',
  q4f16: '4-bit, float16',
  bnb4: '4-bit (bnb)',
};

export function megabytesText(bytes: number | null): string {
  return bytes === null ? 'size unknown' : `${(bytes / 1e6).toFixed(bytes < 1e7 ? 1 : 0)} MB`;
}

/**
 * The ONNX files of a repo that are whole models (not external-data parts or other
 * graphs such as a decoder), best first: float32, float16, then quantized ones.
 */
export function onnxVariants(files: readonly HubFile[]): OnnxVariant[] {
  const out: OnnxVariant[] = [];
  for (const f of files) {
    if (!/\.onnx$/i.test(f.path)) continue;
    const m = STANDARD.exec(f.path);
    const key = m ? (m[1] ?? '') : f.path;
    if (!m && f.path.startsWith('onnx/')) continue; // onnx/decoder_model.onnx etc.: another graph of a multi-part model
    const known = m && key in DESCRIBE;
    const precision = known ? DESCRIBE[key]! : m ? key : f.path;
    const approximate = key !== '' && key !== 'fp16' && key !== 'fp32' && (m !== null || /quant|int8|uint8|q4/i.test(f.path));
    const label = `${precision}${approximate ? ' · approximate' : ''} · ${megabytesText(f.bytes)}`;
    out.push({ key, path: f.path, bytes: f.bytes, approximate, label });
  }
  const rank = (v: OnnxVariant) => {
    const i = ORDER.indexOf(v.key);
    return i >= 0 ? i : v.path.startsWith('onnx/') ? ORDER.length : ORDER.length + 1;
  };
  return out.sort((a, b) => rank(a) - rank(b) || a.path.localeCompare(b.path));
}

/** Checkpoints a repo offers at its top level, safetensors first (no pickle to read, and faster). */
const CHECKPOINT_FILES = ['model.safetensors', 'pytorch_model.bin'];

/**
 * A repo's single-file PyTorch checkpoints, which the page builds into a ConvNeXt graph itself.
 * Their key in links is their path (`hf:timm/convnext_atto.d2_in1k:pytorch_model.bin`).
 */
export function checkpointVariants(files: readonly HubFile[]): OnnxVariant[] {
  return CHECKPOINT_FILES.flatMap((path) => {
    const f = files.find((file) => file.path === path);
    return f ? [{ key: path, path, bytes: f.bytes, approximate: false, label: `${path} · ${f.bytes === null ? 'size unknown' : `${(f.bytes / 1e6).toFixed(1)} MB`} · built in the page`, checkpoint: true as const }] : [];
  });
}

/** Everything *Weights* lists: ONNX files first (preferred when both exist), then checkpoints. */
export function weightVariants(files: readonly HubFile[]): OnnxVariant[] {
  return [...onnxVariants(files), ...checkpointVariants(files)];
}

/**
 * The variant to load: the pasted file, a link's key, else float32, else the first. A link
 * with no key ("hf:owner/name") takes the first too, so it opens a checkpoint-only repo.
 */
export function chooseVariant(variants: readonly OnnxVariant[], wanted: { file?: string | null; key?: string | null }): OnnxVariant | null {
  if (wanted.file) return variants.find((v) => v.path === wanted.file) ?? null;
  if (wanted.key !== undefined && wanted.key !== null) return variants.find((v) => v.key === wanted.key) ?? (wanted.key === '' ? (variants[0] ?? null) : null);
  return variants[0] ?? null;
}

/**
 * The page link form: `hf:owner/name[@rev][:variant]`, e.g. `?model=hf:Xenova/convnext-tiny-224:fp16`.
 * The variant is the key ("fp16", "quantized") or, for a non-standard file, its path.
 */
export function hubLink(ref: Pick<HubRef, 'repo' | 'revision'>, variantKey: string): string {
  return `hf:${ref.repo}${ref.revision === DEFAULT_REVISION ? '' : `@${ref.revision}`}${variantKey ? `:${variantKey}` : ''}`;
}

export function parseHubLink(value: string): { ref: HubRef; key: string } | null {
  if (!value.startsWith('hf:')) return null;
  const rest = value.slice(3);
  const colon = rest.indexOf(':');
  const idPart = colon < 0 ? rest : rest.slice(0, colon);
  const key = colon < 0 ? '' : rest.slice(colon + 1);
  try {
    return { ref: parseHubRef(idPart), key };
  } catch {
    return null;
  }
}

/** Labels from config.json's id2label ({"0": "tench", …}), in class order; null when absent or not complete. */
export function labelsFromConfig(config: unknown): string[] | null {
  const map = (config as { id2label?: unknown } | null)?.id2label;
  if (!map || typeof map !== 'object') return null;
  const entries = Object.entries(map as Record<string, unknown>);
  if (entries.length === 0 || !entries.every(([k, v]) => /^\d+$/.test(k) && typeof v === 'string')) return null;
  const labels: string[] = new Array<string>(entries.length);
  for (const [k, v] of entries) {
    const i = Number(k);
    if (i >= entries.length) return null;
    labels[i] = v as string;
  }
  return labels.every((l) => typeof l === 'string') ? labels : null;
}
