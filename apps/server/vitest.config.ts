import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Server tests share one MySQL server and Valkey cluster and some stop services on purpose.
    fileParallelism: false,
  },
});
