// A private 6-node Valkey cluster for the fault suite (ports 7150+, so it never touches the shared
// one), started and stopped by scripts/services.sh, with its primaries' PIDs for kill -9.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './paths.ts';

export class PrivateCluster {
  constructor(readonly base: number) {}

  get ports(): number[] {
    return [0, 1, 2, 3, 4, 5].map((i) => this.base + i);
  }

  get nodes(): string {
    return this.ports.map((p) => `127.0.0.1:${p}`).join(',');
  }

  up(): void {
    this.services('valkey-up');
  }

  down(): void {
    this.services('valkey-down');
  }

  /** Ports whose node is a primary right now. */
  primaries(): number[] {
    return this.ports.filter((p) => {
      try {
        return execFileSync('valkey-cli', ['-p', String(p), 'role'], { encoding: 'utf8', timeout: 5000 }).startsWith('master');
      } catch {
        return false;
      }
    });
  }

  pid(port: number): number {
    return Number(readFileSync(join(REPO_ROOT, '.services', 'valkey', String(port), 'valkey.pid'), 'utf8').trim());
  }

  private services(cmd: string): void {
    execFileSync('bash', ['scripts/services.sh', cmd], {
      cwd: REPO_ROOT,
      env: { ...process.env, VALKEY_PORT_BASE: String(this.base) },
      stdio: 'ignore',
      timeout: 120_000,
    });
  }
}
