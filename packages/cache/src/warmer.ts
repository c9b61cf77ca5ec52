import type { Logger } from 'pino';
import type { Codec } from './codec.ts';
import type { CacheKey } from './keys.ts';
import type { WickCache } from './types.ts';

export interface WarmJob<T = unknown> {
  /** For logs and stats, e.g. "BTCUSDT:1m:rsi". */
  name: string;
  key: CacheKey;
  load: () => Promise<T>;
  codec: Codec<T>;
  ttlSeconds: number;
  staleSeconds?: number;
}

export interface WarmerOptions {
  /** Re-warm when this fraction of the TTL has passed. Default 0.8. */
  refreshAt?: number;
  /** Backoff schedule: baseMs·2^n capped at maxBackoffMs. Defaults 1,000 and 30,000. */
  baseBackoffMs?: number;
  maxBackoffMs?: number;
  logger?: Logger;
}

export interface WarmerStats {
  runs: number;
  successes: number;
  failures: number;
  perJob: Record<string, { successes: number; failures: number; consecutiveFailures: number; nextRunInMs: number }>;
}

export interface Warmer {
  /** Schedules every job at once (in the background) and returns immediately. */
  start(): void;
  stop(): void;
  stats(): WarmerStats;
  /** Resolves when every job has finished its first attempt (tests, readiness probes). */
  firstPass(): Promise<void>;
}

/** Exponential backoff: 1 s, 2 s, 4 s, 8 s … capped. */
export function backoffMs(failures: number, baseMs = 1_000, maxMs = 30_000): number {
  return Math.min(maxMs, baseMs * 2 ** Math.max(0, failures - 1));
}

/**
 * Keeps a list of entries warm: loads each at start, then again before its TTL runs out, through
 * cache.refresh (store unconditionally). Never blocks a request or start-up; failures are logged,
 * counted and retried with backoff.
 */
export function createWarmer(cache: WickCache, jobs: WarmJob[], opts: WarmerOptions = {}): Warmer {
  const refreshAt = Math.min(0.95, Math.max(0.1, opts.refreshAt ?? 0.8));
  const baseBackoff = opts.baseBackoffMs ?? 1_000;
  const maxBackoff = opts.maxBackoffMs ?? 30_000;
  const totals = { runs: 0, successes: 0, failures: 0 };
  const entries = jobs.map((job) => ({
    job,
    successes: 0,
    failures: 0,
    consecutiveFailures: 0,
    nextAt: 0,
    timer: null as NodeJS.Timeout | null,
  }));
  type Entry = (typeof entries)[number];
  let running = false;
  let firstDone: Promise<void> | null = null;
  const firstPassWaiters: (() => void)[] = [];

  const schedule = (entry: Entry, delayMs: number): void => {
    if (!running) return;
    entry.nextAt = Date.now() + delayMs;
    entry.timer = setTimeout(() => void runJob(entry), delayMs);
    entry.timer.unref();
  };

  const runJob = async (entry: Entry): Promise<void> => {
    const { job } = entry;
    entry.timer = null;
    totals.runs++;
    try {
      await cache.refresh(job.key, job.load, { codec: job.codec, ttlSeconds: job.ttlSeconds, staleSeconds: job.staleSeconds });
      entry.successes++;
      totals.successes++;
      entry.consecutiveFailures = 0;
      schedule(entry, Math.max(1_000, job.ttlSeconds * 1000 * refreshAt));
    } catch (err) {
      entry.failures++;
      totals.failures++;
      entry.consecutiveFailures++;
      const waitMs = backoffMs(entry.consecutiveFailures, baseBackoff, maxBackoff);
      opts.logger?.warn({ err: String(err), job: job.name, retryInMs: waitMs }, 'cache warmer: job failed');
      schedule(entry, waitMs);
    }
  };

  return {
    start() {
      if (running) return;
      running = true;
      firstDone = Promise.all(entries.map((entry) => runJob(entry))).then(() => {
        for (const resolve of firstPassWaiters.splice(0)) resolve();
      });
    },
    stop() {
      running = false;
      for (const entry of entries) if (entry.timer) clearTimeout(entry.timer);
    },
    stats() {
      const perJob: WarmerStats['perJob'] = {};
      for (const entry of entries) {
        perJob[entry.job.name] = {
          successes: entry.successes,
          failures: entry.failures,
          consecutiveFailures: entry.consecutiveFailures,
          nextRunInMs: entry.timer ? Math.max(0, entry.nextAt - Date.now()) : 0,
        };
      }
      return { ...totals, perJob };
    },
    firstPass() {
      if (firstDone) return firstDone;
      return new Promise<void>((resolve) => firstPassWaiters.push(resolve));
    },
  };
}
