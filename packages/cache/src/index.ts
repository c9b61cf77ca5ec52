/**
 * @wick/cache — the Valkey cluster protocol for candles and indicator results.
 *
 * Usage (a candles range):
 *   const cache = await createCache({ nodes: parseNodes(process.env.VALKEY_NODES!) });
 *   const { value, status, ageMs } = await cache.getOrLoad(
 *     { kind: 'candles', series: { symbol, interval }, window: `${from}-${to}-${limit}` },
 *     () => db.candles(symbol, interval, from, to, limit),
 *     { codec: candleCodec, ttlSeconds: cache.ttlFor(interval, { toMs: to }) },
 *   );
 * The open candle: ttlFor gives a window that reaches the still-open candle (see isWindowClosed)
 * the short `recent` TTL, so it is never kept as final. Callers must compute the TTL from the
 * window's `to` (or now, for "latest N" queries) on every call, not once.
 *
 * Generations: every series has `wick:{SYMBOL:interval}:gen`; every stored value carries the
 * generation it was written at. A hit is ONE round trip — MGET [gen, value] in the series' slot — and
 * a value of another generation is a miss. invalidateSeries bumps the counter in one script, so
 * readers move on at once; a load that started before a bump is never stored for later readers.
 * (A Lua script returning the value was measured 2–3× slower than GET for 240 KB; see bench/.)
 * Values returned by getOrLoad own their memory (zero-copy over the reply buffer when possible):
 * callers may transfer them to a worker.
 *
 * Load: at most maxConcurrentCalls calls are in flight toward Valkey, maxQueuedCalls more wait;
 * beyond that a call is answered `bypass` at once (stats `shed`). The breaker opens for a sick
 * cluster, never for a busy process (see guarded-call.ts).
 *
 * Domain types (Interval, INTERVALS, INTERVAL_MS, candleOpenTime, CandleColumns) come from
 * @wick/market; `params` of an indicator key must already be canonical (@wick/indicators).
 */
export type { TtlEntry, TtlTable } from './ttl.ts';
export { DEFAULT_TTL, isWindowClosed, ttlForWindow } from './ttl.ts';
export type { CacheOptions, NodeAddress } from './options.ts';
export { parseNodes } from './options.ts';
export type { SeriesRef, CacheKey } from './keys.ts';
export type { Codec } from './codec.ts';
export { candleCodec, seriesCodec, jsonCodec } from './codec.ts';
export type { CacheStatus, GetOrLoadOptions, Cached, WickCache, RateLimitResult, HealthNode, ClearResult } from './types.ts';
export { createCache } from './create-cache.ts';
export type { CacheStats, NodeStats } from './stats.ts';
export type { BreakerState } from './breaker.ts';
export type { WarmJob, Warmer, WarmerOptions, WarmerStats } from './warmer.ts';
export { createWarmer, backoffMs } from './warmer.ts';
export { CacheError, CacheTimeoutError, CacheUnavailableError, CacheConfigError, CacheAbortError, CacheCodecError } from './errors.ts';
