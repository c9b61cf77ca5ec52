import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { BreakerState, TripCause } from './breaker.ts';
import type { LiveStats } from './live-types.ts';

export interface NodeStats {
  address: string;
  role: 'primary' | 'replica';
  usedMemory: number;
  evictedKeys: number;
  keys: number;
}

export interface CacheStats {
  /** Every hit, advanced ones included. */
  hits: number;
  /** Hits whose value was behind the series head and was brought up to it by `advance` (⊆ hits). */
  advanced: number;
  /** Values behind the head whose `advance` declined (returned undefined): answered as misses. */
  advanceDeclined: number;
  misses: number;
  stale: number;
  bypass: number;
  loaderCalls: number;
  lockWaits: number;
  /** Waiters that gave up on another holder's lock and loaded themselves. */
  lockTimeouts: number;
  errors: number;
  timeouts: number;
  invalidations: number;
  /** rateLimit calls answered "allowed" only because Valkey was unreachable. */
  rateLimitFailOpen: number;
  /**
   * Cache calls answered without Valkey because Wick's own queue toward it was full (this process
   * was busy): never counted as Valkey failures, never a reason to open the breaker.
   */
  shed: number;
  breaker: BreakerState;
  connected: boolean;
  /**
   * Latency of calls sent to Valkey, from leaving Wick's queue to the answer, ms, over the last
   * LATENCY_WINDOW calls; `count` is every call sent so far (breaker-open and shed calls are not sent).
   */
  latencyMs: { count: number; p50: number; p90: number; p99: number; max: number };
  /** Per node from INFO; empty when the cluster is unreachable. */
  nodes: NodeStats[];
  /** The live bus of this process (pub/sub + streams). */
  live: LiveStats;
}

export type Counters = Omit<CacheStats, 'breaker' | 'connected' | 'latencyMs' | 'nodes' | 'live'>;
export type CounterName = keyof Counters;

const LATENCY_WINDOW = 4096;
const BREAKER_VALUE: Record<BreakerState, number> = { closed: 0, 'half-open': 1, open: 2 };

/** Counters + a latency ring, mirrored into prom-client metrics when a registry is given. */
export class StatsRecorder {
  readonly counters: Counters = {
    hits: 0,
    advanced: 0,
    advanceDeclined: 0,
    misses: 0,
    stale: 0,
    bypass: 0,
    loaderCalls: 0,
    lockWaits: 0,
    lockTimeouts: 0,
    errors: 0,
    timeouts: 0,
    invalidations: 0,
    rateLimitFailOpen: 0,
    shed: 0,
  };
  private readonly ring = new Float64Array(LATENCY_WINDOW);
  private ringCount = 0;
  private readonly prom?: {
    events: Counter<'event'>;
    latency: Histogram<'op'>;
    breaker: Gauge;
    trips: Counter<'cause'>;
    nodeMemory: Gauge<'node'>;
    nodeEvicted: Gauge<'node'>;
    nodeKeys: Gauge<'node'>;
  };

  constructor(registry: Registry | undefined, nodeStats: () => Promise<NodeStats[]>) {
    if (!registry) return;
    const registers = [registry];
    let nodesCache: Promise<NodeStats[]> | undefined;
    // One INFO sweep per scrape, shared by the three node gauges.
    const sweep = (): Promise<NodeStats[]> => {
      nodesCache ??= nodeStats()
        .catch(() => [])
        .finally(() => setTimeout(() => (nodesCache = undefined), 0));
      return nodesCache;
    };
    const nodeGauge = (name: string, help: string, pick: (node: NodeStats) => number): Gauge<'node'> =>
      new Gauge({
        name,
        help,
        labelNames: ['node'],
        registers,
        async collect() {
          this.reset();
          for (const node of await sweep()) this.set({ node: node.address }, pick(node));
        },
      });
    this.prom = {
      events: new Counter({
        name: 'wick_cache_events_total',
        help: 'Cache events: hit, advanced (a hit brought up to the series head), advance_declined, miss, stale, bypass, loader_call, lock_wait, lock_timeout, error, timeout, invalidation, rate_limit_fail_open, shed',
        labelNames: ['event'],
        registers,
      }),
      latency: new Histogram({
        name: 'wick_cache_valkey_call_seconds',
        help: 'Latency of Valkey calls',
        labelNames: ['op'],
        registers,
        buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25],
      }),
      breaker: new Gauge({ name: 'wick_cache_breaker_state', help: '0 closed, 1 half-open, 2 open', registers }),
      trips: new Counter({
        name: 'wick_cache_breaker_trips_total',
        help: 'Breaker trips (closed to open) by cause: timeout, unreachable, error, not_connected',
        labelNames: ['cause'],
        registers,
      }),
      nodeMemory: nodeGauge('wick_cache_node_used_memory_bytes', 'INFO used_memory per node', (node) => node.usedMemory),
      nodeEvicted: nodeGauge('wick_cache_node_evicted_keys', 'INFO evicted_keys per node', (node) => node.evictedKeys),
      nodeKeys: nodeGauge('wick_cache_node_keys', 'Keys per node (INFO keyspace)', (node) => node.keys),
    };
  }

  inc(name: CounterName, by = 1): void {
    this.counters[name] += by;
    this.prom?.events.inc({ event: EVENT[name] }, by);
  }

  latency(op: string, ms: number): void {
    this.ring[this.ringCount++ % LATENCY_WINDOW] = ms;
    this.prom?.latency.observe({ op }, ms / 1000);
  }

  breaker(state: BreakerState, trip?: TripCause): void {
    this.prom?.breaker.set(BREAKER_VALUE[state]);
    if (trip) this.prom?.trips.inc({ cause: trip.kind });
  }

  percentiles(): CacheStats['latencyMs'] {
    const samples = Math.min(this.ringCount, LATENCY_WINDOW);
    if (samples === 0) return { count: 0, p50: 0, p90: 0, p99: 0, max: 0 };
    const sorted = this.ring.slice(0, samples).sort();
    const at = (quantile: number): number => sorted[Math.min(samples - 1, Math.floor(quantile * samples))]!;
    return { count: this.ringCount, p50: at(0.5), p90: at(0.9), p99: at(0.99), max: sorted[samples - 1]! };
  }
}

const EVENT: Record<CounterName, string> = {
  hits: 'hit',
  advanced: 'advanced',
  advanceDeclined: 'advance_declined',
  misses: 'miss',
  stale: 'stale',
  bypass: 'bypass',
  loaderCalls: 'loader_call',
  lockWaits: 'lock_wait',
  lockTimeouts: 'lock_timeout',
  errors: 'error',
  timeouts: 'timeout',
  invalidations: 'invalidation',
  rateLimitFailOpen: 'rate_limit_fail_open',
  shed: 'shed',
};

/** Parse the INFO text of one node (sections memory, stats, keyspace, replication). */
export function parseInfo(address: string, text: string): NodeStats {
  const field = (name: string): string | undefined => new RegExp(`^${name}:(.*)$`, 'm').exec(text)?.[1]?.trim();
  let keys = 0;
  for (const m of text.matchAll(/^db\d+:keys=(\d+)/gm)) keys += Number(m[1]);
  return {
    address,
    role: field('role') === 'slave' ? 'replica' : 'primary',
    usedMemory: Number(field('used_memory') ?? 0),
    evictedKeys: Number(field('evicted_keys') ?? 0),
    keys,
  };
}
