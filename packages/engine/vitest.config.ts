import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Each engine starts real worker threads (tsx registration included): ~1 s on an idle 2-core box, many seconds when other suites share it.
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
