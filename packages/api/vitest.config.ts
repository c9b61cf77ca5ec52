import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Files share one MariaDB and one Valkey cluster on a 2-core box; each uses its own database and key prefix.
    fileParallelism: false,
  },
});
