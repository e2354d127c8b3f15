/**
 * A local stand-in for the Hugging Face Hub, over HTTPS, for the e2e tests (no internet
 * here). It answers the Hub's URL layout under its real host names, which Chromium maps
 * to 127.0.0.1 with --host-resolver-rules, so the app's own code, host names and the
 * production Content-Security-Policy are what is exercised:
 *
 * - https://huggingface.co/api/models/<id>[/revision/<rev>]?blobs=true → { id, sha, siblings: [{ rfilename, size, lfs? }] }
 * - https://huggingface.co/<id>/resolve/<rev>/<file> → 302 to the file CDN host (as the Hub does for LFS/Xet files)
 * - https://cas-bridge.xethub.hf.co/<id>/<rev>/<file> → the bytes (the CDN the Hub redirects to today;
 *   older repos go to cdn-lfs.hf.co, which the app never names either)
 * - https://models.example.org/<path> → another site with a model file (a *Model URL* on another origin)
 *
 * The certificate is self-signed, made by openssl when the mirror starts, into e2e/generated/
 * (ignored by git); Chromium runs with --ignore-certificate-errors. Every request is logged;
 * tests can make a path answer 401/404, drop the connection part-way, or trickle slowly.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import { resolve } from 'node:path';
import { ROOT } from './helpers';

export const HUB_HOST = 'huggingface.co';
export const CDN_HOST = 'cas-bridge.xethub.hf.co';
export const OTHER_SITE_HOST = 'models.example.org';
export const MIRROR_HOSTS = [HUB_HOST, CDN_HOST, OTHER_SITE_HOST];

/** Chromium flags that send the mirror's host names to it and accept its certificate. */
/** Weights files, stored in LFS/Xet on the real Hub (listed with `lfs`, served through the CDN): ONNX files and checkpoints. */
const isLfs = (path: string) => /\.(onnx|safetensors|bin|pth|pt)$/.test(path);

export function mirrorArgs(port: number): string[] {
  return [`--host-resolver-rules=${MIRROR_HOSTS.map((h) => `MAP ${h} 127.0.0.1:${port}`).join(', ')}`, '--ignore-certificate-errors'];
}

export interface MirrorRepo {
  id: string;
  /** path in the repo → its bytes. */
  files: Record<string, Buffer>;
  /** Sizes the listing claims instead of the real ones (a file "over the size limit"). */
  listedSizes?: Record<string, number>;
}

export type Fault = { status: number } | { dropAfter: number } | { bytesPerSecond: number };

export interface LoggedRequest {
  host: string;
  method: string;
  path: string;
  /** Bytes of request body received (a GET has none). */
  bodyBytes: number;
}

export interface HubMirror {
  port: number;
  requests: LoggedRequest[];
  /** Faults by request path (as logged, without the query), applied to every request until removed. */
  faults: Map<string, Fault>;
  /** Repos by id; tests may add more. */
  repos: Map<string, MirrorRepo>;
  /** Files of models.example.org by path. */
  otherSite: Map<string, Buffer>;
  close(): Promise<void>;
}

function certificate(): { key: Buffer; cert: Buffer } {
  const dir = resolve(ROOT, 'e2e/generated/hub-mirror');
  const key = resolve(dir, 'key.pem');
  const cert = resolve(dir, 'cert.pem');
  if (!existsSync(key) || !existsSync(cert)) {
    mkdirSync(dir, { recursive: true });
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '7',
      '-keyout', key, '-out', cert,
      '-subj', `/CN=${HUB_HOST}`,
      '-addext', `subjectAltName=${MIRROR_HOSTS.map((h) => `DNS:${h}`).join(',')}`,
    ], { stdio: 'ignore' });
  }
  return { key: readFileSync(key), cert: readFileSync(cert) };
}

const CORS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Expose-Headers': 'Content-Length, ETag, X-Repo-Commit',
};

function sha(id: string): string {
  return createHash('sha1').update(id).digest('hex');
}

function send(res: ServerResponse, status: number, body: Buffer | string, type = 'application/json', extra: Record<string, string> = {}): void {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  res.writeHead(status, { ...CORS, 'Content-Type': type, 'Content-Length': String(bytes.byteLength), ...extra });
  res.end(bytes);
}

async function sendBytes(res: ServerResponse, bytes: Buffer, fault: Fault | undefined): Promise<void> {
  res.writeHead(200, { ...CORS, 'Content-Type': 'application/octet-stream', 'Content-Length': String(bytes.byteLength), 'Cache-Control': 'no-store' });
  if (fault && 'dropAfter' in fault) {
    res.write(bytes.subarray(0, fault.dropAfter));
    // Let the first part reach the browser, then cut the connection as a failing network would.
    await new Promise((r) => setTimeout(r, 300));
    res.socket?.destroy();
    return;
  }
  if (fault && 'bytesPerSecond' in fault) {
    const chunk = Math.max(1, Math.round(fault.bytesPerSecond / 10));
    for (let at = 0; at < bytes.byteLength; at += chunk) {
      if (res.destroyed || res.socket?.destroyed) return;
      res.write(bytes.subarray(at, at + chunk));
      await new Promise((r) => setTimeout(r, 100));
    }
    res.end();
    return;
  }
  res.end(bytes);
}

export async function startHubMirror(port: number, repos: MirrorRepo[]): Promise<HubMirror> {
  const mirror: Omit<HubMirror, 'close'> = { port, requests: [], faults: new Map(), repos: new Map(repos.map((r) => [r.id, r])), otherSite: new Map() };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let bodyBytes = 0;
    for await (const chunk of req) bodyBytes += (chunk as Buffer).byteLength;
    const host = (req.headers.host ?? '').replace(/:\d+$/, '');
    const url = new URL(req.url ?? '/', `https://${host}`);
    const path = decodeURIComponent(url.pathname);
    mirror.requests.push({ host, method: req.method ?? '', path, bodyBytes });
    if (req.method === 'OPTIONS') {
      res.writeHead(204, { ...CORS, 'Access-Control-Allow-Methods': 'GET, HEAD', 'Access-Control-Allow-Headers': '*' }).end();
      return;
    }
    const fault = mirror.faults.get(path);
    if (fault && 'status' in fault) {
      send(res, fault.status, JSON.stringify({ error: fault.status === 401 ? 'Invalid username or password.' : 'Repository not found' }), 'application/json', {
        'X-Error-Code': fault.status === 401 ? 'GatedRepo' : 'RepoNotFound',
      });
      return;
    }
    if (host === OTHER_SITE_HOST) {
      const bytes = mirror.otherSite.get(path);
      if (!bytes) return send(res, 404, 'not found', 'text/plain');
      return sendBytes(res, bytes, fault);
    }
    if (host === HUB_HOST) {
      const api = /^\/api\/models\/([^/]+\/[^/]+)(?:\/revision\/(.+))?$/.exec(path);
      if (api) {
        const repo = mirror.repos.get(api[1]!);
        if (!repo) return send(res, 404, JSON.stringify({ error: 'Repository not found' }), 'application/json', { 'X-Error-Code': 'RepoNotFound' });
        const siblings = Object.entries(repo.files).map(([rfilename, bytes]) => {
          const size = repo.listedSizes?.[rfilename] ?? bytes.byteLength;
          return isLfs(rfilename) ? { rfilename, size, lfs: { size, sha256: createHash('sha256').update(bytes).digest('hex'), pointerSize: 134 } } : { rfilename, size };
        });
        return send(res, 200, JSON.stringify({ _id: sha(repo.id).slice(0, 24), id: repo.id, modelId: repo.id, sha: sha(repo.id), private: false, library_name: 'transformers.js', siblings }));
      }
      const file = /^\/([^/]+\/[^/]+)\/resolve\/([^/]+)\/(.+)$/.exec(path);
      if (file) {
        const repo = mirror.repos.get(file[1]!);
        if (!repo || !repo.files[file[3]!]) return send(res, 404, 'Entry not found', 'text/plain', { 'X-Error-Code': 'EntryNotFound' });
        const bytes = repo.files[file[3]!]!;
        // Small files come straight from the Hub; LFS files redirect to the CDN, as on the real Hub.
        if (!isLfs(file[3]!)) return send(res, 200, bytes, 'application/json', { 'X-Repo-Commit': sha(repo.id) });
        res.writeHead(302, { ...CORS, Location: `https://${CDN_HOST}/${repo.id}/${sha(repo.id)}/${file[3]}`, 'X-Repo-Commit': sha(repo.id), 'Content-Length': '0' });
        res.end();
        return;
      }
      return send(res, 404, 'not found', 'text/plain');
    }
    if (host === CDN_HOST) {
      const m = /^\/([^/]+\/[^/]+)\/[0-9a-f]{40}\/(.+)$/.exec(path);
      const bytes = m ? mirror.repos.get(m[1]!)?.files[m[2]!] : undefined;
      if (!bytes) return send(res, 404, 'not found', 'text/plain');
      return sendBytes(res, bytes, fault);
    }
    send(res, 421, 'unknown host', 'text/plain');
  }

  const server: Server = createServer(certificate(), (req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (!res.headersSent) send(res, 500, String(e), 'text/plain');
      else res.socket?.destroy();
    });
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(port, '127.0.0.1', ok);
  });
  return {
    ...mirror,
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}

/**
 * A valid ONNX model that is not an image model: one float input [1, 10] through
 * Identity. Written field by field (protobuf wire format) so no Python is needed.
 */
export function textModelOnnx(): Buffer {
  const varint = (n: number): number[] => {
    const out: number[] = [];
    while (n > 127) {
      out.push((n & 127) | 128);
      n >>>= 7;
    }
    out.push(n);
    return out;
  };
  const field = (no: number, bytes: number[]): number[] => [...varint((no << 3) | 2), ...varint(bytes.length), ...bytes];
  const int = (no: number, n: number): number[] => [...varint(no << 3), ...varint(n)];
  const str = (no: number, s: string): number[] => field(no, [...Buffer.from(s)]);
  const dim = (n: number) => field(1, int(1, n));
  const valueInfo = (name: string) => [...str(1, name), ...field(2, field(1, [...int(1, 1), ...field(2, [...dim(1), ...dim(10)])]))];
  const node = [...str(1, 'x'), ...str(2, 'y'), ...str(3, 'identity'), ...str(4, 'Identity')];
  const graph = [...field(1, node), ...str(2, 'text_model'), ...field(11, valueInfo('x')), ...field(12, valueInfo('y'))];
  return Buffer.from([...int(1, 8), ...str(2, 'convlens-test'), ...field(7, graph), ...field(8, int(2, 17))]);
}
