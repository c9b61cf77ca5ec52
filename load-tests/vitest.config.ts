import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // In-process test servers read admission settings from the environment: shed on in-flight work only,
    // never because a loaded CI box stalled the event loop.
    env: { ADMISSION_MAX_LOOP_DELAY_MS: '60000' },
    // The fault suite (faults/) has its own config (pnpm test:faults); npm test runs it after every package (scripts/test.sh).
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
