import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    environment: 'node',
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 90_000,
    hookTimeout: 180_000,
    // One browser, one server, one database per file; files run one at a time on this 2-core box.
    fileParallelism: false,
  },
});
