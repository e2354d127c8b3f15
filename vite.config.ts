import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import { VitePWA } from 'vite-plugin-pwa';
import { HASHED_ASSET, MAX_PRECACHE_FILE_BYTES, WEBGPU_WASM_GLOB, precacheGlobs } from './src/offline/precache.config.ts';
import { CSP_HEADER, CSP_META } from './src/app/csp.ts';
import isolation from './src/app/isolationHeaders.json';

// COOP/COEP make the page cross-origin isolated, which is what lets
// onnxruntime-web use SharedArrayBuffer and therefore WASM threads. A JSON file, so that the
// bench's plain Node server (bench/staticServer.mjs) sends the very same headers.
const isolationHeaders: Record<string, string> = isolation;

// Static hosts cannot send headers: the built page carries its policy itself (see src/app/csp.ts).
function cspMetaTag(): Plugin {
  return {
    name: 'convlens-csp-meta',
    apply: 'build',
    transformIndexHtml: () => [{ tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: CSP_META }, injectTo: 'head-prepend' }],
  };
}

export default defineConfig({
  // Relative base: the built site works from any sub-path (/, /convlens/, a file share).
  base: './',
  plugins: [
    react(),
    // Our own service worker (src/offline/sw.ts): Workbox precaching for offline use plus
    // COOP/COEP on every response for hosts that cannot send headers. Registered by
    // src/offline/register.ts in production builds only; the dev server has no service worker.
    VitePWA({
      strategies: 'injectManifest',
      srcDir: 'src/offline',
      filename: 'sw.ts',
      injectRegister: false,
      manifest: false,
      devOptions: { enabled: false },
      injectManifest: {
        globPatterns: precacheGlobs('public/models/index.json'),
        globIgnores: [WEBGPU_WASM_GLOB],
        maximumFileSizeToCacheInBytes: MAX_PRECACHE_FILE_BYTES,
        dontCacheBustURLsMatching: HASHED_ASSET,
      },
    }),
    cspMetaTag(),
  ],
  worker: { format: 'es' },
  server: { headers: isolationHeaders },
  preview: { headers: { ...isolationHeaders, 'Content-Security-Policy': CSP_HEADER } },
  // The dev server's pre-bundling would move onnxruntime-web away from its .wasm files.
  optimizeDeps: { exclude: ['onnxruntime-web'] },
  build: {
    target: 'es2022',
    // onnxruntime-web's runtime is one large chunk by nature; the wasm is a separate asset.
    chunkSizeWarningLimit: 1024,
  },
});
