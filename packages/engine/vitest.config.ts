import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Each engine starts real worker threads (tsx registration included): ~1 s on this box.
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
