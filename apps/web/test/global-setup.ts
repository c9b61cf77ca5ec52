import { fileURLToPath } from 'node:url';
import { build } from 'vite';

/** Builds the app once per test run: the browser tests load what the server would serve. */
export default async function buildOnce(): Promise<void> {
  // vitest sets NODE_ENV=test, which would make this a development build of React.
  const env = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({ root: fileURLToPath(new URL('..', import.meta.url)), mode: 'production', logLevel: 'warn' });
  } finally {
    process.env.NODE_ENV = env;
  }
}
