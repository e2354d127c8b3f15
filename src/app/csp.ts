/**
 * The production Content-Security-Policy: scripts only from this site, no inline
 * script, no eval. 'wasm-unsafe-eval' is the one exception, because compiling
 * onnxruntime's WebAssembly needs it. vite preview sends it as a header (with
 * frame-ancestors, which only a header can carry) and the build writes it into
 * index.html as a meta tag, so a static host that cannot set headers still applies it.
 * The dev server sends neither: its hot-reload preamble is an inline script.
 *
 * What connect-src allows, and why, is written up in docs/hub.md.
 */
const DIRECTIVES: Record<string, string[]> = {
  'default-src': ["'self'"],
  'script-src': ["'self'", "'wasm-unsafe-eval'"],
  // onnxruntime's WASM threads are module workers started from our own bundle.
  'worker-src': ["'self'"],
  // Our own files (models, manifests, samples), plus model downloads from any https
  // origin: the Hugging Face Hub, the file CDN its downloads redirect to (a host that
  // changes: cdn-lfs.hf.co, cas-bridge.xethub.hf.co, us.aws.cdn.hf.co, ...) and any
  // https *Model URL* a teacher types. A narrower list cannot name "any URL typed".
  // This opens the network to fetch/XHR from OUR scripts only: script-src still admits
  // no other script, and photos never leave the tab because no code of ours sends them
  // (src/app/networkAllowlist.test.ts pins every network call site; docs/hub.md).
  'connect-src': ["'self'", 'https:'],
  // data: for the empty favicon in index.html.
  'img-src': ["'self'", 'data:'],
  'style-src': ["'self'"],
  'font-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'none'"],
  'form-action': ["'self'"],
};

function serialise(directives: Record<string, string[]>): string {
  return Object.entries(directives)
    .map(([name, values]) => `${name} ${values.join(' ')}`)
    .join('; ');
}

/** For the Content-Security-Policy response header. */
export const CSP_HEADER = serialise({ ...DIRECTIVES, 'frame-ancestors': ["'none'"] });

/** For <meta http-equiv="Content-Security-Policy"> (browsers ignore frame-ancestors there). */
export const CSP_META = serialise(DIRECTIVES);
