import type { Interval } from '@wick/market';
import type { BreakerState } from './breaker.ts';
import type { Codec } from './codec.ts';
import type { CacheKey, SeriesRef } from './keys.ts';
import type { CacheStats } from './stats.ts';
import type { TtlTable } from './ttl.ts';
import type { SeriesHead } from './head-record.ts';
import type { NearCache } from './near-cache-types.ts';
import type { LiveChannel, LiveEventOf, LiveMessage, LiveSubscription, ReplayResult, SeriesEvent, SubscribeOptions } from './live-types.ts';

export type CacheStatus = 'hit' | 'miss' | 'stale' | 'bypass';

export interface GetOrLoadOptions<T> {
  codec: Codec<T>;
  /** Fresh lifetime in seconds (see ttlFor). */
  ttlSeconds: number;
  /** Stale-while-revalidate grace after ttlSeconds; 0/absent = never serve stale. */
  staleSeconds?: number;
  /** Aborts this caller's wait only; a shared load keeps running for the other callers. */
  signal?: AbortSignal;
  /**
   * Brings a value cached at an older head rev of its series up to `head` (candles / indicator keys
   * only; ignored for `global` keys, which have no head). Return the updated value — it is stored
   * back and answered as a `hit` (counted as `advanced`) — or undefined when it cannot be advanced
   * exactly (→ a miss: the loader runs). Must be idempotent and pure: it may run again for the same
   * head (another process, a retry), and its value must not be kept by reference. With `advance`, a
   * hit is one MGET [gen, head, value]; without it the head is not read and only the generation and
   * the TTL retire a value.
   */
  advance?: (value: T, head: SeriesHead) => T | undefined;
}

/**
 * What a cached answer was valid at: the series generation and the head rev (a `global` key's: its
 * namespace generation, head rev 0). A layer above may key serialized answers by it and check them
 * with readVersion / readNamespaceVersion (gen '0': no generation yet).
 */
export interface CacheVersion {
  gen: string;
  headRev: number;
}

export interface Cached<T> {
  value: T;
  status: CacheStatus;
  /** Age of the cached value (0 when just loaded or advanced). */
  ageMs: number;
  /**
   * The version this answer was served at; null for a bypass (it did not go through the cache). For
   * a miss, the head rev read before the load (the value may already include later writes).
   */
  version: CacheVersion | null;
}

/** What advanceHead did: the head moved, a head at this rev or newer was there, or Valkey could not take it. */
export type AdvanceHeadResult = 'stored' | 'ignored' | 'invalidated';

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
  /**
   * Moves the series' head to `head` if head.rev is newer than the stored one (one script; older
   * revs never move it back). Call it before answering a write, so no later reader is served a value
   * without it. If Valkey cannot take it, the series' generation is bumped instead (deferred while
   * Valkey is away, this process bypassing the series meanwhile): `invalidated`.
   */
  advanceHead(series: SeriesRef, head: SeriesHead): Promise<AdvanceHeadResult>;
  /** The stored head; undefined when there is none or Valkey cannot answer. */
  readHead(series: SeriesRef): Promise<SeriesHead | undefined>;
  /** The current version of a series in one MGET [gen, head] (no value transfer); undefined when Valkey cannot answer. */
  readVersion(series: SeriesRef): Promise<CacheVersion | undefined>;
  /**
   * The current version of a `global` namespace in one GET of its generation: `{ gen, headRev: 0 }`
   * (gen '0': none yet), what its getOrLoad answers are valid at; undefined when Valkey cannot answer
   * or a bump of it is pending in this process. invalidateNamespace moves it (and announces it on the
   * near-cache bus as `nearCache.namespaceVersionIdOf(namespace)`) before it returns.
   */
  readNamespaceVersion(namespace: string): Promise<CacheVersion | undefined>;
  /**
   * Appends the event to the series' stream (MAXLEN ~ live.seriesStreamLength) and publishes it on
   * its sharded channel, in one script. Resolves to the stream id, or undefined when Valkey could not
   * take it (the event is then in neither).
   */
  publishSeries(series: SeriesRef, event: SeriesEvent): Promise<string | undefined>;
  /** The same for a global channel (`liq`: MAXLEN ~ live.globalStreamLength); the event is sent as JSON. */
  publishGlobal(name: string, event: unknown): Promise<string | undefined>;
  /**
   * Local subscription to a channel: one upstream sharded subscription per channel per process, shared
   * by reference count. Resolves once the upstream subscription is confirmed (or its wait timed out:
   * see LiveSubscription.established). Messages arriving while nobody here listens are dropped.
   */
  subscribe<C extends LiveChannel>(
    channel: C,
    onMessage: (message: LiveMessage<LiveEventOf<C>>) => void,
    options?: SubscribeOptions,
  ): Promise<LiveSubscription>;
  /**
   * Stream entries after `afterId` (exclusive), oldest first, at most `limit` (1–10,000); with
   * afterId undefined, the newest `limit` entries. Undefined when Valkey cannot answer.
   */
  replay<C extends LiveChannel>(channel: C, afterId: string | undefined, limit: number): Promise<ReplayResult<LiveEventOf<C>> | undefined>;
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
  /** The near-cache bus: version-publishing writes above wait for its members' acks; join() to be one. */
  readonly nearCache: NearCache;
  close(): Promise<void>;
}
