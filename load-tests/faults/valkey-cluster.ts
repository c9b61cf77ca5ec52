// A private 6-node Valkey cluster for the fault suite (ports 7150+, so it never touches the shared
// one), started and stopped by scripts/services.sh, with its primaries' PIDs for kill -9.
// Everything here is asynchronous: the suite's load runs in this process, and a synchronous child
// process (execFileSync) would freeze it — every in-flight request would then be timed as slow as
// the cluster's start-up, which measured the harness instead of the server.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from './paths.ts';

const run = promisify(execFile);

export class PrivateCluster {
  constructor(readonly base: number) {}

  get ports(): number[] {
    return [0, 1, 2, 3, 4, 5].map((i) => this.base + i);
  }

  get nodes(): string {
    return this.ports.map((p) => `127.0.0.1:${p}`).join(',');
  }

  up(): Promise<void> {
    return this.services('valkey-up');
  }

  down(): Promise<void> {
    return this.services('valkey-down');
  }

  /** Ports whose node is a primary right now. */
  async primaries(): Promise<number[]> {
    const roles = await Promise.all(
      this.ports.map((p) =>
        run('valkey-cli', ['-p', String(p), 'role'], { encoding: 'utf8', timeout: 5000 }).then(
          (r) => r.stdout.startsWith('master'),
          () => false,
        ),
      ),
    );
    return this.ports.filter((_, i) => roles[i]);
  }

  pid(port: number): number {
    return Number(readFileSync(join(REPO_ROOT, '.services', 'valkey', String(port), 'valkey.pid'), 'utf8').trim());
  }

  private async services(cmd: string): Promise<void> {
    await run('bash', ['scripts/services.sh', cmd], {
      cwd: REPO_ROOT,
      env: { ...process.env, VALKEY_PORT_BASE: String(this.base) },
      timeout: 120_000,
    });
  }
}
