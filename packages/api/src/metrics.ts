import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { Database } from '@wick/db';
import type { Engine } from '@wick/engine';
import { emptyCacheOutcomes, type CacheOutcomes } from './cache-outcomes.ts';
import { WindowedQuantiles } from './windowed-quantiles.ts';

export interface ApiMetrics {
  observeRequest(procedure: string, outcome: string, durationMs: number): void;
  /** Adds a request's cache lookups to the hit-ratio metrics. */
  countCacheOutcomes(outcomes: CacheOutcomes): void;
  countCandleLoad(source: 'db'): void;
  /** Candle loads that reached the database since start (tests and the stampede bench read it). */
  readonly candleDbLoads: number;
}

const QUANTILES = [0.5, 0.95, 0.99];

/** Request timing, engine pool and DB pool metrics, registered on the server's registry. */
export function createApiMetrics(registry: Registry, sources: { engine: Engine; database: Database }): ApiMetrics {
  const duration = new Histogram({
    name: 'wick_request_duration_seconds',
    help: 'tRPC procedure duration by procedure and outcome',
    labelNames: ['procedure', 'outcome'],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const quantiles = new WindowedQuantiles({ windowMs: 300_000, slots: 5, sampleSize: 1024 });
  new Gauge({
    name: 'wick_request_duration_quantiles_seconds',
    help: 'tRPC procedure duration p50/p95/p99 over the last 5 minutes (from a uniform sample of up to 1,024 calls a minute)',
    labelNames: ['procedure', 'quantile'],
    registers: [registry],
    collect() {
      this.reset();
      for (const procedure of quantiles.labels()) {
        const values = quantiles.quantiles(procedure, QUANTILES);
        QUANTILES.forEach((q, i) => this.set({ procedure, quantile: String(q) }, values[i]!));
      }
    },
  });
  const candleLoads = new Counter({
    name: 'wick_candle_db_loads_total',
    help: 'Candle windows read from the database (cache misses that reached MySQL)',
    registers: [registry],
  });
  const engine = sources.engine;
  new Gauge({
    name: 'wick_engine_utilization',
    help: 'Share of engine worker time spent computing',
    registers: [registry],
    collect() {
      this.set(engine.stats().utilization);
    },
  });
  new Gauge({
    name: 'wick_engine_queue_size',
    help: 'Tasks waiting for an engine worker',
    registers: [registry],
    collect() {
      this.set(engine.stats().queueSize);
    },
  });
  new Gauge({
    name: 'wick_engine_threads',
    help: 'Engine worker threads',
    registers: [registry],
    collect() {
      this.set(engine.stats().threads);
    },
  });
  new Counter({
    name: 'wick_engine_tasks_total',
    help: 'Indicator computations by where they ran (worker pool or inline) and outcome',
    labelNames: ['outcome'],
    registers: [registry],
    collect() {
      const s = engine.stats();
      this.reset();
      this.inc({ outcome: 'completed' }, s.completed);
      this.inc({ outcome: 'inline' }, s.inlineRuns);
      this.inc({ outcome: 'failed' }, s.failed);
      this.inc({ outcome: 'timed_out' }, s.timedOut);
      this.inc({ outcome: 'rejected' }, s.rejected);
    },
  });
  const database = sources.database;
  new Gauge({
    name: 'wick_db_pool_connections',
    help: 'MySQL pool connections by state',
    labelNames: ['state'],
    registers: [registry],
    collect() {
      const s = database.poolStats();
      this.set({ state: 'in_use' }, s.inUse);
      this.set({ state: 'idle' }, s.idle);
      this.set({ state: 'queued' }, s.queued);
    },
  });

  const lookups = new Counter({
    name: 'wick_cache_lookups_total',
    help: 'Cache lookups made by API requests, by outcome (hit, miss, stale, bypass)',
    labelNames: ['status'],
    registers: [registry],
  });
  const seen: CacheOutcomes = emptyCacheOutcomes();
  new Gauge({
    name: 'wick_cache_hit_ratio',
    help: 'Share of API cache lookups answered from the cache (hit or stale) since start',
    registers: [registry],
    collect() {
      const total = seen.hit + seen.miss + seen.stale + seen.bypass;
      this.set(total === 0 ? 0 : (seen.hit + seen.stale) / total);
    },
  });

  let dbLoads = 0;
  return {
    observeRequest(procedure, outcome, durationMs) {
      duration.observe({ procedure, outcome }, durationMs / 1000);
      quantiles.observe(procedure, durationMs / 1000);
    },
    countCacheOutcomes(outcomes) {
      for (const status of ['hit', 'miss', 'stale', 'bypass'] as const) {
        if (outcomes[status] === 0) continue;
        seen[status] += outcomes[status];
        lookups.inc({ status }, outcomes[status]);
      }
    },
    countCandleLoad() {
      dbLoads += 1;
      candleLoads.inc();
    },
    get candleDbLoads() {
      return dbLoads;
    },
  };
}
