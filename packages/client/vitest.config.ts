import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Every file starts a real server on the shared MySQL server and Valkey cluster.
    fileParallelism: false,
  },
});
