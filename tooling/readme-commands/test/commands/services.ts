// pnpm services:up / status / down.
//
// `services:down` stops the Valkey cluster every other test (and a developer's running server) uses,
// so these three run on a private cluster: VALKEY_PORT_BASE (an environment variable services.sh
// reads; the command text is untouched) moves the six nodes to 7230–7235. It is the same script and
// the same code path for any base; `up` is also run on the shared cluster, where it must be a no-op.
import { execFileSync } from 'node:child_process';
import { urlForDatabase } from '@wick/db';
import { expect } from 'vitest';
import { REPO_ROOT } from '../../src/environment.ts';
import type { ReadmeCommand } from '../../src/readme-commands.ts';
import { commandEnv, DB_NAME, expectSuccess, runExact } from '../support/context.ts';

export const PRIVATE_BASE = 7230;
const PRIVATE_PORTS = Array.from({ length: 6 }, (_, i) => PRIVATE_BASE + i);
const privateEnv = () => commandEnv({ VALKEY_PORT_BASE: String(PRIVATE_BASE) });

function clusterInfo(port: number): string {
  try {
    return execFileSync('valkey-cli', ['-p', String(port), 'cluster', 'info'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return 'down';
  }
}

const clusterOk = (port: number) => clusterInfo(port).includes('cluster_state:ok');

/** Stops the private cluster whatever happened (the test's own clean-up, not a README command). */
export function stopPrivateCluster(): void {
  execFileSync('bash', ['scripts/services.sh', 'valkey-down'], { cwd: REPO_ROOT, env: privateEnv(), stdio: 'ignore' });
}

export async function servicesCommand(cmd: ReadmeCommand): Promise<void> {
  const verb = /services:(\w+)/.exec(cmd.text)![1]!;
  if (verb === 'up') {
    const cold = await runExact(cmd, { timeoutMs: 60_000, env: privateEnv() });
    expectSuccess(cold, cmd.text);
    // It prints where the services are, as README says (shell-evaluable lines).
    expect(cold.output).toContain(`DATABASE_URL=${urlForDatabase(DB_NAME)}`);
    expect(cold.output).toContain(`VALKEY_NODES=${PRIVATE_PORTS.map((p) => `127.0.0.1:${p}`).join(',')}`);
    for (const p of PRIVATE_PORTS) expect(clusterOk(p), `node ${p}: ${clusterInfo(p)}`).toBe(true);
    // Idempotent: the shared cluster is already up and is left alone.
    const shared = await runExact(cmd, { timeoutMs: 60_000 });
    expectSuccess(shared, cmd.text);
    expect(shared.output).toContain('valkey cluster already up');
    expect(shared.output).toContain('VALKEY_NODES=127.0.0.1:7000,');
  } else if (verb === 'status') {
    const done = await runExact(cmd, { timeoutMs: 30_000, env: privateEnv() });
    expectSuccess(done, cmd.text);
    const roles = PRIVATE_PORTS.map((p) => new RegExp(`^valkey 127\\.0\\.0\\.1:${p} (master|slave)$`, 'm').exec(done.output)?.[1]);
    expect(
      roles.filter((r) => r === 'master'),
      done.output,
    ).toHaveLength(3);
    expect(
      roles.filter((r) => r === 'slave'),
      done.output,
    ).toHaveLength(3);
    expect(done.output).toMatch(/^mysql \S+ up$/m);
  } else if (verb === 'down') {
    const done = await runExact(cmd, { timeoutMs: 30_000, env: privateEnv() });
    expectSuccess(done, cmd.text);
    for (const p of PRIVATE_PORTS) expect(clusterInfo(p), `node ${p} still answers`).toBe('down');
    // MySQL is left running, and so is every cluster it did not start.
    const after = await runExact({ ...cmd, text: 'pnpm services:status' }, { timeoutMs: 30_000, env: privateEnv() });
    expect(after.output.match(/^valkey 127\.0\.0\.1:\d+ down$/gm)).toHaveLength(6);
    expect(after.output).toMatch(/^mysql \S+ up$/m);
    expect(clusterOk(7000)).toBe(true);
  } else throw new Error(`no runner for services:${verb}`);
}
