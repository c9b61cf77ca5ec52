import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // The test server sheds on in-flight work only, never because a loaded CI box stalled its event loop.
    env: { ADMISSION_MAX_LOOP_DELAY_MS: '60000' },
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    environment: 'node',
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 90_000,
    hookTimeout: 180_000,
    // One browser, one server, one database per file; files run one at a time on this 2-core box.
    fileParallelism: false,
  },
});
