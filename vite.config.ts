import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// COOP/COEP make the page cross-origin isolated, which is what lets
// onnxruntime-web use SharedArrayBuffer and therefore WASM threads.
export const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

export default defineConfig({
  // Relative base: the built site works from any sub-path (/, /convlens/, a file share).
  base: './',
  plugins: [react()],
  worker: { format: 'es' },
  server: { headers: isolationHeaders },
  preview: { headers: isolationHeaders },
  // The dev server's pre-bundling would move onnxruntime-web away from its .wasm files.
  optimizeDeps: { exclude: ['onnxruntime-web'] },
  build: {
    target: 'es2022',
    // onnxruntime-web's runtime is one large chunk by nature; the wasm is a separate asset.
    chunkSizeWarningLimit: 1024,
  },
});
