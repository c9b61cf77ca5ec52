import type { Logger } from 'pino';
import type { WickCache } from './cache.ts';
import type { Codec } from './codec.ts';
import type { CacheKey } from './keys.ts';

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
  const base = opts.baseBackoffMs ?? 1_000;
  const cap = opts.maxBackoffMs ?? 30_000;
  const totals = { runs: 0, successes: 0, failures: 0 };
  const state = jobs.map((job) => ({
    job,
    successes: 0,
    failures: 0,
    consecutiveFailures: 0,
    nextAt: 0,
    timer: null as NodeJS.Timeout | null,
  }));
  let running = false;
  let firstDone: Promise<void> | null = null;
  const firstResolvers: (() => void)[] = [];

  const schedule = (s: (typeof state)[number], delayMs: number): void => {
    if (!running) return;
    s.nextAt = Date.now() + delayMs;
    s.timer = setTimeout(() => void runJob(s), delayMs);
    s.timer.unref();
  };

  const runJob = async (s: (typeof state)[number]): Promise<void> => {
    s.timer = null;
    totals.runs++;
    try {
      await cache.refresh(s.job.key, s.job.load, { codec: s.job.codec, ttlSeconds: s.job.ttlSeconds, staleSeconds: s.job.staleSeconds });
      s.successes++;
      totals.successes++;
      s.consecutiveFailures = 0;
      schedule(s, Math.max(1_000, s.job.ttlSeconds * 1000 * refreshAt));
    } catch (err) {
      s.failures++;
      totals.failures++;
      s.consecutiveFailures++;
      const wait = backoffMs(s.consecutiveFailures, base, cap);
      opts.logger?.warn({ err: String(err), job: s.job.name, retryInMs: wait }, 'cache warmer: job failed');
      schedule(s, wait);
    }
  };

  return {
    start() {
      if (running) return;
      running = true;
      firstDone = Promise.all(state.map((s) => runJob(s))).then(() => {
        for (const r of firstResolvers.splice(0)) r();
      });
    },
    stop() {
      running = false;
      for (const s of state) if (s.timer) clearTimeout(s.timer);
    },
    stats() {
      const perJob: WarmerStats['perJob'] = {};
      for (const s of state) {
        perJob[s.job.name] = {
          successes: s.successes,
          failures: s.failures,
          consecutiveFailures: s.consecutiveFailures,
          nextRunInMs: s.timer ? Math.max(0, s.nextAt - Date.now()) : 0,
        };
      }
      return { ...totals, perJob };
    },
    firstPass() {
      if (firstDone) return firstDone;
      return new Promise<void>((r) => firstResolvers.push(r));
    },
  };
}
