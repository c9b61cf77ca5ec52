import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // The end-to-end files start Wick servers on the shared MySQL and Valkey: one file at a time.
    fileParallelism: false,
  },
});
