import { resolve } from 'node:path';
import { defineConfig, mergeConfig } from 'vite';
import base from './vite.config.ts';

// The app plus the benchmark's bare-runtime page, built together so both use the same chunks.
export default mergeConfig(
  base,
  defineConfig({
    build: {
      outDir: 'dist-bench',
      rollupOptions: {
        input: { main: resolve(import.meta.dirname, 'index.html'), bare: resolve(import.meta.dirname, 'bench/bare.html') },
      },
    },
  }),
);
