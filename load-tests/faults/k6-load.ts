// The fault suite's second load: a real k6 (scripts/k6.sh: $K6, else ../shared/tools/k6) running
// k6-read-mix.js against both server processes for the whole suite. Each request is a line on
// k6's stderr (a start, then its outcome), read here as it comes, so each fault's window can be
// judged once every request that began in it has ended. A control process (k6-control.js) tells k6
// what it may send: everything, the burst phase's few cached reads (fault 5), or nothing.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Outcome } from './load-mix.ts';
import { LineChannel } from './line-channel.ts';
import { REPO_ROOT } from './paths.ts';

export type K6Kind = 'cached' | 'candles' | 'cold' | 'page' | 'summary';
/**
 * all: the whole mix. burst: only cached computes and candle ranges, from at most BURST_VUS VUs at a
 * time (the in-flight headroom fault 5 leaves under the admission cap). stop: nothing.
 */
export type K6Phase = 'all' | 'burst' | 'stop';

/** VUs that may send in the burst phase (k6-read-mix.js reads it as BURST_VUS). */
export const BURST_VUS = 4;

/** One k6 request, on this process's performance.now() clock like the mix's outcomes. */
export interface K6Outcome extends Omit<Outcome, 'kind'> {
  kind: K6Kind;
}

export interface K6Targets {
  symbol: string;
  secondSymbol: string;
  /** A closed window's end: every cached read names it. */
  to: number;
  /** The newest liquidation's time. */
  newest: number;
}

interface EndLine {
  k6e: string;
  kind: K6Kind;
  server: number;
  start: number;
  ms: number;
  status: number;
  code: string | null;
  reason: string | null;
  cache: string | null;
  /** Nothing was sent: the phase said no, or the control process did not answer. */
  skipped?: boolean;
}

/** The request's epoch time (ms) on this process's performance clock. */
const fromEpoch = (ms: number) => ms - performance.timeOrigin;

export class K6Load {
  readonly outcomes: K6Outcome[] = [];
  /** Requests started and not ended yet: id → start (performance clock). */
  private readonly open = new Map<string, number>();
  /** Latest start seen on k6's stream (performance clock). */
  private latestStart = -Infinity;
  private control: ChildProcess | null = null;
  private controlChannel: LineChannel | null = null;
  private child: ChildProcess | null = null;
  private exited: Promise<number | null> = Promise.resolve(null);
  private stderrTail: string[] = [];
  /** The base URLs k6 was started with: its lines name a process by its index here. */
  private started: string[] = [];

  constructor(
    private readonly bases: () => readonly string[],
    private readonly targets: K6Targets,
    private readonly rate: number,
  ) {}

  /** Starts k6; resolves once its setup has warmed the cached reads and its first request began. */
  async start(): Promise<void> {
    const control = spawn(process.execPath, [join(REPO_ROOT, 'load-tests', 'faults', 'k6-control.js')], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    this.control = control;
    this.controlChannel = new LineChannel(control, 'k6-control', 30_000);
    const listening = await this.controlChannel.next();
    const port = Number(/^listening (\d+)$/.exec(listening)?.[1]);
    if (!port) throw new Error(`k6-control said "${listening}"`);
    this.started = [...this.bases()];
    const env: Record<string, string> = {
      BASE_URLS: this.started.join(','),
      CONTROL_URL: `http://127.0.0.1:${port}/`,
      RATE: String(this.rate),
      SYMBOL: this.targets.symbol,
      SECOND_SYMBOL: this.targets.secondSymbol,
      TO: String(this.targets.to),
      NEWEST: String(this.targets.newest),
      BURST_VUS: String(BURST_VUS),
    };
    const args = [join(REPO_ROOT, 'scripts', 'k6.sh'), 'run', '--quiet', '--no-color', '--log-format', 'raw', '--address', ''];
    for (const [k, v] of Object.entries(env)) args.push('-e', `${k}=${v}`);
    args.push(join(REPO_ROOT, 'load-tests', 'faults', 'k6-read-mix.js'));
    const child = spawn('bash', args, { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, K6_NO_USAGE_REPORT: 'true' } });
    this.child = child;
    this.exited = new Promise((resolve) => child.once('close', (code) => resolve(code)));
    createInterface({ input: child.stderr! }).on('line', (line) => this.line(line));
    for (let i = 0; i < 240 && this.latestStart === -Infinity; i++) {
      if (child.exitCode !== null) break;
      await sleep(250);
    }
    if (this.latestStart === -Infinity) throw new Error(`k6 never started a request:\n${this.stderrTail.join('\n')}`);
  }

  /** What k6 may send from now on: resolves once the control process answers with it. */
  async setPhase(phase: K6Phase): Promise<void> {
    if (!this.controlChannel) throw new Error('k6-control is not started');
    await this.controlChannel.ask(phase, `phase ${phase}`);
  }

  /**
   * Every request k6 started before `at` has ended (a hang guard: k6's requests time out at 30 s).
   * k6's VUs log concurrently, so a start a little before `at` may arrive after a later one: the
   * stream must also have shown a start 500 ms past `at`.
   */
  async settled(at: number): Promise<void> {
    for (let i = 0; i < 400; i++) {
      const pending = [...this.open.values()].some((start) => start < at);
      if (!pending && this.latestStart > at + 500) return;
      if (this.child?.exitCode !== null) throw new Error(`k6 exited early:\n${this.stderrTail.join('\n')}`);
      await sleep(100);
    }
    throw new Error(`k6 requests started before the window's end never ended:\n${this.stderrTail.join('\n')}`);
  }

  /** k6's requests that started in [from, to), once all of them have ended. */
  async during(from: number, to: number): Promise<K6Outcome[]> {
    await this.settled(to);
    return this.outcomes.filter((o) => o.start >= from && o.start < to);
  }

  /** Stops k6 (SIGINT: it ends its iterations and exits) and the control process. */
  async stop(): Promise<void> {
    if (this.control?.exitCode === null) await this.setPhase('stop').catch(() => undefined);
    const child = this.child;
    if (child && child.exitCode === null) {
      child.kill('SIGINT');
      const code = await Promise.race([this.exited, sleep(30_000).then(() => 'timeout' as const)]);
      if (code === 'timeout') child.kill('SIGKILL');
    }
    // Closing its stdin ends the control process.
    this.control?.stdin?.end();
    this.control = null;
  }

  private line(line: string): void {
    if (!line.startsWith('{"k6')) {
      this.stderrTail = [...this.stderrTail.slice(-19), line];
      return;
    }
    let parsed: { k6s?: string; t?: number } & Partial<EndLine>;
    try {
      parsed = JSON.parse(line) as typeof parsed;
    } catch {
      this.stderrTail = [...this.stderrTail.slice(-19), line];
      return;
    }
    if (parsed.k6s !== undefined && parsed.t !== undefined) {
      const start = fromEpoch(parsed.t);
      this.open.set(parsed.k6s, start);
      this.latestStart = Math.max(this.latestStart, start);
      return;
    }
    if (parsed.k6e === undefined) return;
    this.open.delete(parsed.k6e);
    if (parsed.skipped) return;
    const e = parsed as EndLine;
    const start = fromEpoch(e.start);
    this.outcomes.push({
      kind: e.kind,
      server: this.started[e.server] ?? null,
      start,
      end: start + e.ms,
      status: e.status,
      code: e.code,
      reason: e.reason ?? null,
      cache: e.cache,
    });
  }
}
