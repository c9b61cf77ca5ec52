import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // In-process test servers read admission settings from the environment: shed on in-flight work only,
    // never because a loaded CI box stalled the event loop.
    env: { ADMISSION_MAX_LOOP_DELAY_MS: '60000' },
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // The end-to-end files start Wick servers on the shared MySQL and Valkey: one file at a time.
    fileParallelism: false,
  },
});
