import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface CliProcess {
  child: ChildProcess;
  /** The pino JSON lines printed so far. */
  lines(): { msg?: string; [k: string]: unknown }[];
  exited: Promise<number | null>;
}

/** Runs one of the feed CLIs (node + tsx, as `pnpm feed:*` does) with `args`. */
export function runCli(name: 'sim' | 'binance', args: string[], env: Record<string, string> = {}): CliProcess {
  const entry = fileURLToPath(new URL(`../../src/cli/${name}.ts`, import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', entry, ...args], {
    cwd: fileURLToPath(new URL('../..', import.meta.url)),
    env: { ...process.env, LOG_LEVEL: 'info', WICK_INGEST_KEY: '', INGEST_API_KEYS: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  // 'close', not 'exit': output can still be in the pipes when the process has exited.
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  return {
    child,
    exited,
    lines: () =>
      out
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as { msg?: string }),
  };
}
