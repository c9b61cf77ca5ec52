import { defineConfig } from 'vitest/config';

// pnpm test:faults: the fault suite alone (it starts its own Valkey cluster and server processes).
export default defineConfig({
  test: {
    include: ['faults/**/*.test.ts'],
    testTimeout: 600_000,
    hookTimeout: 600_000,
    fileParallelism: false,
  },
});
