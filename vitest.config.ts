import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'model/**/*.test.ts', 'scripts/**/*.test.ts', 'bench/**/*.test.mjs'],
    environment: 'node',
    // The model parity suite may have to export models with PyTorch first.
    hookTimeout: 600_000,
    testTimeout: 120_000,
    pool: 'forks',
  },
});
