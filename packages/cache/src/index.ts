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
 */
export type { Interval, TtlEntry, TtlTable } from './ttl.ts';
export { INTERVALS, INTERVAL_MS, DEFAULT_TTL, isWindowClosed, candleOpenTime, ttlForWindow } from './ttl.ts';
export type { CacheOptions, NodeAddress } from './options.ts';
export { parseNodes } from './options.ts';
export type { SeriesRef, CacheKey } from './keys.ts';
export { canonicalParams } from './keys.ts';
export type { Codec, CandleColumns } from './codec.ts';
export { candleCodec, seriesCodec, jsonCodec } from './codec.ts';
export type { CacheStatus, GetOrLoadOptions, Cached, WickCache, RateLimitResult, HealthNode, ClearResult } from './cache.ts';
export { createCache } from './cache.ts';
export type { CacheStats, NodeStats } from './stats.ts';
export type { BreakerState } from './breaker.ts';
export type { WarmJob, Warmer, WarmerOptions, WarmerStats } from './warmer.ts';
export { createWarmer, backoffMs } from './warmer.ts';
export { CacheError, CacheTimeoutError, CacheUnavailableError, CacheConfigError, CacheAbortError, CacheCodecError } from './errors.ts';
