import type { WickCache } from '@wick/cache';
import type { Database } from '@wick/db';
import type { Engine } from '@wick/engine';

const CHECK_TIMEOUT_MS = 1000;

export interface HealthReport {
  ok: boolean;
  db: { ok: boolean; latencyMs: number; error?: string; pool: ReturnType<Database['poolStats']> };
  cache: Awaited<ReturnType<WickCache['health']>> & { breaker: WickCache['breakerState'] };
  engine: ReturnType<Engine['stats']>;
}

function within<T>(ms: number, promise: Promise<T>): Promise<T> {
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms).unref()),
  ]);
}

/** DB, every Valkey node and the engine pool; the cache being down degrades, it does not fail health. */
export class HealthService {
  constructor(private readonly deps: { database: Database; cache: WickCache; engine: Engine }) {}

  async check(): Promise<HealthReport> {
    const { database, cache, engine } = this.deps;
    const started = performance.now();
    const [db, nodes] = await Promise.all([
      within(CHECK_TIMEOUT_MS, database.ping()).then(
        () => ({ ok: true, latencyMs: performance.now() - started }),
        (err: Error) => ({ ok: false, latencyMs: performance.now() - started, error: err.message }),
      ),
      within(CHECK_TIMEOUT_MS, cache.health()).catch(() => ({ ok: false, nodes: [] })),
    ]);
    return {
      ok: db.ok,
      db: { ...db, pool: database.poolStats() },
      cache: { ...nodes, breaker: cache.breakerState },
      engine: engine.stats(),
    };
  }
}
