import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // The server the README's commands start reads admission settings from the environment: shed on
    // in-flight work only, never because a loaded CI box stalled the event loop.
    env: { ADMISSION_MAX_LOOP_DELAY_MS: '60000' },
    include: ['test/**/*.test.ts'],
    // One README command per test; the slowest (npm run setup, the smoke benchmarks) take minutes on a loaded box.
    testTimeout: 300_000,
    hookTimeout: 120_000,
    // The commands bind port 3000, restart services and seed databases: one file at a time.
    fileParallelism: false,
  },
});
