import { resolve } from 'node:path';
import { defineConfig, mergeConfig } from 'vite';
import base from './vite.config.ts';

// The app plus the benchmark's bare-runtime page (and the peer's page), built together so the
// app and the bare page use the same chunks.
export default mergeConfig(
  base,
  defineConfig({
    // A missing file is a 404, as on the Hub (an SPA fallback would answer the peer's optional
    // tokenizer_config.json with index.html).
    appType: 'mpa',
    build: {
      outDir: 'dist-bench',
      rollupOptions: {
        input: { main: resolve(import.meta.dirname, 'index.html'), bare: resolve(import.meta.dirname, 'bench/bare.html'), peer: resolve(import.meta.dirname, 'bench/peer.html') },
      },
    },
  }),
);
