import type { Interval } from '@wick/market';
import type { BreakerState } from './breaker.ts';
import type { Codec } from './codec.ts';
import type { CacheKey, SeriesRef } from './keys.ts';
import type { CacheStats } from './stats.ts';
import type { TtlTable } from './ttl.ts';

export type CacheStatus = 'hit' | 'miss' | 'stale' | 'bypass';

export interface GetOrLoadOptions<T> {
  codec: Codec<T>;
  /** Fresh lifetime in seconds (see ttlFor). */
  ttlSeconds: number;
  /** Stale-while-revalidate grace after ttlSeconds; 0/absent = never serve stale. */
  staleSeconds?: number;
  /** Aborts this caller's wait only; a shared load keeps running for the other callers. */
  signal?: AbortSignal;
}

export interface Cached<T> {
  value: T;
  status: CacheStatus;
  /** Age of the cached value (0 when just loaded). */
  ageMs: number;
}

export interface RateLimitResult {
  allowed: boolean;
  remaining: number;
  retryAfterMs: number;
  /** True when Valkey was unreachable and the call was allowed without counting (fail open). */
  degraded?: boolean;
}

export interface HealthNode {
  address: string;
  role: 'primary' | 'replica';
  ok: boolean;
  latencyMs: number;
}

export interface ClearResult {
  removed: number;
  byNode: Record<string, number>;
}

export interface WickCache {
  getOrLoad<T>(key: CacheKey, loader: () => Promise<T>, options: GetOrLoadOptions<T>): Promise<Cached<T>>;
  /** Load and store unconditionally (the warmer's refresh). */
  refresh<T>(key: CacheKey, loader: () => Promise<T>, options: GetOrLoadOptions<T>): Promise<Cached<T>>;
  invalidateSeries(series: SeriesRef): Promise<void>;
  invalidateSymbol(symbol: string): Promise<void>;
  /** Bump a `global` key namespace. */
  invalidateNamespace(namespace: string): Promise<void>;
  clear(): Promise<ClearResult>;
  ttlFor(interval: Interval, opts: { toMs: number; nowMs?: number }): number;
  rateLimit(id: string, limit: number, windowMs: number): Promise<RateLimitResult>;
  health(): Promise<{ ok: boolean; nodes: HealthNode[] }>;
  stats(): Promise<CacheStats>;
  readonly breakerState: BreakerState;
  readonly ttlTable: Readonly<TtlTable>;
  close(): Promise<void>;
}
