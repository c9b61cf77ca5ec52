import type { WickCache } from '@wick/cache';
import type { Database } from '@wick/db';
import type { Engine } from '@wick/engine';

const CHECK_TIMEOUT_MS = 1000;

/** up: answers, pool free · degraded: answers, but requests queue for a connection · down: no answer. */
export type DbState = 'up' | 'degraded' | 'down';

export interface HealthReport {
  /** False only when the database is down: the cache being away degrades, it does not fail health. */
  ok: boolean;
  status: 'ok' | 'degraded' | 'down';
  db: {
    ok: boolean;
    state: DbState;
    latencyMs: number;
    error?: string;
    /** dedicated: pinged on its own connection, never behind the pool's queue; pool: through the pool (no probe given). */
    via: 'dedicated' | 'pool';
    pool: ReturnType<Database['poolStats']>;
  };
  cache: Awaited<ReturnType<WickCache['health']>> & { breaker: WickCache['breakerState'] };
  engine: ReturnType<Engine['stats']>;
}

function within<T>(ms: number, promise: Promise<T>): Promise<T> {
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms).unref()),
  ]);
}

/**
 * DB, every Valkey node and the engine pool. The DB is pinged on a dedicated connection (`probe`, a
 * one-connection Database) when there is one: a ping through the work pool queues behind every
 * request waiting for a connection and reads "down" exactly when the DB is busiest. A saturated pool
 * with a DB that answers is `degraded`, not `down`.
 */
export class HealthService {
  private probe: Database | undefined;
  /** The ping in flight: health polled while one hangs shares it instead of queueing more. */
  private pending: Promise<void> | null = null;

  constructor(private readonly deps: { database: Database; cache: WickCache; engine: Engine; probe?: Database }) {
    this.probe = deps.probe;
  }

  /** Pings the DB on `probe` from now on (the server's dedicated connection; it closes it). */
  useProbe(probe: Database): void {
    this.probe = probe;
  }

  async check(): Promise<HealthReport> {
    const { database, cache, engine } = this.deps;
    const via = this.probe ? 'dedicated' : 'pool';
    const started = performance.now();
    const [answer, nodes] = await Promise.all([
      within(CHECK_TIMEOUT_MS, this.ping()).then(
        () => ({ ok: true as const, latencyMs: performance.now() - started }),
        (err: Error) => ({ ok: false as const, latencyMs: performance.now() - started, error: err.message }),
      ),
      within(CHECK_TIMEOUT_MS, cache.health()).catch(() => ({ ok: false, nodes: [] })),
    ]);
    const pool = database.poolStats();
    const state: DbState = !answer.ok ? 'down' : pool.queued > 0 ? 'degraded' : 'up';
    const cacheReport = { ...nodes, breaker: cache.breakerState };
    const status =
      state === 'down' ? 'down' : state === 'degraded' || !cacheReport.ok || cacheReport.breaker !== 'closed' ? 'degraded' : 'ok';
    return {
      ok: state !== 'down',
      status,
      db: { ...answer, state, via, pool },
      cache: cacheReport,
      engine: engine.stats(),
    };
  }

  private ping(): Promise<void> {
    const target = this.probe ?? this.deps.database;
    this.pending ??= target.ping().finally(() => {
      this.pending = null;
    });
    return this.pending;
  }
}
