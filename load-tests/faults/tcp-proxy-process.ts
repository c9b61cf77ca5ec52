// A TcpProxy (@wick/server/testing) in a process of its own (tcp-proxy-child.ts says why), driven
// over its stdin: the same start / cut / restore as the in-process one.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { LineChannel } from './line-channel.ts';
import { REPO_ROOT } from './paths.ts';

export class TcpProxyProcess {
  port = 0;
  private child: ChildProcess | null = null;
  private channel: LineChannel | null = null;

  constructor(private readonly target: { host: string; port: number }) {}

  async start(): Promise<this> {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(REPO_ROOT, 'load-tests', 'faults', 'tcp-proxy-child.ts'), this.target.host, String(this.target.port)],
      { cwd: join(REPO_ROOT, 'load-tests'), stdio: ['pipe', 'pipe', 'inherit'] },
    );
    this.child = child;
    // A hang guard of 60 s: it answers in milliseconds.
    this.channel = new LineChannel(child, 'tcp-proxy-child', 60_000);
    const line = await this.channel.next();
    this.port = Number(/^listening (\d+)$/.exec(line)?.[1]);
    if (!this.port) throw new Error(`tcp-proxy-child said "${line}"`);
    return this;
  }

  cut(): Promise<void> {
    return this.command('cut');
  }

  restore(): Promise<void> {
    return this.command('restore');
  }

  /** Cuts every connection and ends the process. */
  async stop(): Promise<void> {
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
    child.stdin?.end();
    await exited;
  }

  private async command(name: 'cut' | 'restore'): Promise<void> {
    if (!this.channel) throw new Error('tcp-proxy-child is not started');
    await this.channel.ask(name, `ok ${name}`);
  }
}
