import { spawn, type ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  output: string;
}

export interface ShellOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
}

/** The last `n` lines of `text`, for failure messages. */
export function tail(text: string, n = 40): string {
  return text.split('\n').slice(-n).join('\n');
}

/** Removes terminal colour codes (Vite, k6 and pnpm colour their output). */
export function plain(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '');
}

/**
 * A command given to `bash -c` as its text, in a process group of its own (as a terminal runs a
 * foreground job), so that a signal reaches every process it started, as Ctrl-C would.
 */
export class ShellProcess {
  /** Every group started and not yet ended: killAll() after a test that timed out leaves none behind. */
  private static readonly running = new Set<ShellProcess>();
  readonly child: ChildProcess;
  private out = '';
  readonly finished: Promise<Finished>;

  constructor(
    readonly text: string,
    options: ShellOptions,
  ) {
    this.child = spawn('bash', ['-c', text], { cwd: options.cwd, env: options.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const take = (d: Buffer) => (this.out += d.toString());
    this.child.stdout!.on('data', take);
    this.child.stderr!.on('data', take);
    // 'close', not 'exit': output can still be in the pipes when the process has exited.
    this.finished = new Promise((resolve) =>
      this.child.once('close', (code, signal) => resolve({ code, signal, output: plain(this.out) })),
    );
    ShellProcess.running.add(this);
    void this.finished.then(() => {
      if (!this.groupAlive()) ShellProcess.running.delete(this);
    });
  }

  /** SIGKILLs every process group still running (a clean-up of last resort); the commands it killed. */
  static killAll(): string[] {
    const killed: string[] = [];
    for (const p of ShellProcess.running) {
      if (p.groupAlive()) {
        p.signalGroup('SIGKILL');
        killed.push(p.text);
      }
    }
    ShellProcess.running.clear();
    return killed;
  }

  get output(): string {
    return plain(this.out);
  }

  /** Whether any process of the group is still alive. */
  groupAlive(): boolean {
    try {
      process.kill(-this.child.pid!, 0);
      return true;
    } catch {
      return false;
    }
  }

  signalGroup(signal: NodeJS.Signals): void {
    try {
      process.kill(-this.child.pid!, signal);
    } catch {
      // the group is gone already
    }
  }

  /** Resolves with the first match of `pattern` in the output; rejects when the process exits first or after `timeoutMs`. */
  async waitFor(pattern: RegExp, timeoutMs: number, what = String(pattern)): Promise<RegExpMatchArray> {
    const deadline = performance.now() + timeoutMs;
    let exited = false;
    void this.finished.then(() => (exited = true));
    for (;;) {
      const m = pattern.exec(this.output);
      if (m) return m;
      if (exited) throw new Error(`\`${this.text}\` exited before ${what}:\n${tail(this.output)}`);
      if (performance.now() > deadline) throw new Error(`\`${this.text}\`: no ${what} within ${timeoutMs / 1000} s:\n${tail(this.output)}`);
      await sleep(100);
    }
  }

  /**
   * Sends `signal` to the whole group and waits for every process of it to end; after `timeoutMs`
   * it kills the group and throws (a command that does not stop on Ctrl-C is a failure).
   */
  async stop(signal: NodeJS.Signals, timeoutMs: number): Promise<Finished> {
    this.signalGroup(signal);
    const deadline = performance.now() + timeoutMs;
    const done = await Promise.race([this.finished, sleep(timeoutMs).then(() => null)]);
    while (done && this.groupAlive() && performance.now() < deadline) await sleep(100);
    if (!done || this.groupAlive()) {
      this.signalGroup('SIGKILL');
      await this.finished;
      throw new Error(`\`${this.text}\` did not stop within ${timeoutMs / 1000} s of ${signal}:\n${tail(this.output)}`);
    }
    return done;
  }
}

/** Runs `text` to its end; kills it and throws after `timeoutMs`. */
export async function runToEnd(text: string, options: ShellOptions & { timeoutMs: number }): Promise<Finished> {
  const p = new ShellProcess(text, options);
  const done = await Promise.race([p.finished, sleep(options.timeoutMs).then(() => null)]);
  if (done) return done;
  p.signalGroup('SIGKILL');
  await p.finished;
  throw new Error(`\`${text}\` did not finish within ${options.timeoutMs / 1000} s:\n${tail(p.output)}`);
}
