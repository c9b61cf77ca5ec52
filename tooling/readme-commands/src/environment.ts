import { fileURLToPath } from 'node:url';

/** The repo root: README's commands run from here, as a user in a fresh clone would. */
export const REPO_ROOT = fileURLToPath(new URL('../../..', import.meta.url)).replace(/\/$/, '');

/**
 * Variables the test runner and pnpm put in this process that a user's terminal does not have:
 * they would change what the commands do (NODE_ENV=test; INIT_CWD, which pnpm resolves a user's
 * relative paths against; npm_* settings of the `pnpm test` that started vitest).
 */
function isRunnerVariable(name: string): boolean {
  return (
    /^(VITEST|npm_|PNPM_|TURBO_)/.test(name) ||
    // vitest mirrors import.meta.env into process.env: BASE_URL=/ would send k6 to "/trpc/…"
    ['INIT_CWD', 'NODE_ENV', 'TEST', 'NODE_OPTIONS', 'BASE_URL', 'MODE', 'DEV', 'PROD', 'SSR'].includes(name)
  );
}

/** A user's environment plus `extra`; a value of undefined removes the variable. */
export function userEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!isRunnerVariable(k)) env[k] = v;
  env.NO_COLOR = '1';
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}
