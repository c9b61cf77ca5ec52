import { spawn, type ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  /** Signals the process (SIGTERM by default) and resolves with its exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

const MAIN = fileURLToPath(new URL('../main.ts', import.meta.url));

/** Polls /health until the process's cache breaker is closed (see startWick: the cache connects in the background). */
async function untilCacheConnected(url: string, child: ChildProcess): Promise<void> {
  let breaker = 'unknown';
  for (let i = 0; i < 300 && breaker !== 'closed' && child.exitCode === null; i++) {
    const report = await fetch(`${url}/health`).then(
      (res) => res.json() as Promise<{ cache?: { breaker?: string } }>,
      () => ({ cache: undefined }),
    );
    breaker = report.cache?.breaker ?? 'unknown';
    if (breaker !== 'closed') await sleep(100);
  }
  if (breaker !== 'closed') {
    child.kill('SIGKILL');
    throw new Error(
      `server process at ${url}: its cache is not connected to Valkey (${breaker}): is the cluster up? (scripts/services.sh up)`,
    );
  }
}

/**
 * A separate server process, run as `pnpm start` runs it (node + tsx), with `env` over this process's
 * environment; `nodeArgs` go to node before the script (e.g. `--cpu-prof`, which NODE_OPTIONS refuses).
 */
export async function spawnServer(env: Record<string, string>, nodeArgs: readonly string[] = []): Promise<ServerProcess> {
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', MAIN], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    // Generous: node + tsx start slowly on a busy box, and this is a hang guard, not a measurement.
    const timer = setTimeout(() => reject(new Error(`server process did not start: ${stderr}`)), 90_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /serving on (http:\/\/[^\s]+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server process exited with ${code}: ${stderr}`));
    });
  });
  await untilCacheConnected(url, child);
  return {
    url,
    child,
    stop(signal = 'SIGTERM') {
      return new Promise((resolve) => {
        if (child.exitCode !== null) return resolve(child.exitCode);
        child.once('exit', (code) => resolve(code));
        child.kill(signal);
      });
    },
  };
}
