import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // The failover / cluster-stop tests time things against a real cluster: keep files serial so
    // they do not starve each other on a 2-core box.
    fileParallelism: false,
  },
});
