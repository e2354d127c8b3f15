import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import { CSP_HEADER, CSP_META } from './src/app/csp';

// COOP/COEP make the page cross-origin isolated, which is what lets
// onnxruntime-web use SharedArrayBuffer and therefore WASM threads.
export const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

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
  plugins: [react(), cspMetaTag()],
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
