/**
 * @wick/cache — the Valkey cluster protocol for candles and indicator results, and the live bus.
 *
 * Usage (a candles range):
 *   const cache = await createCache({ nodes: parseNodes(process.env.VALKEY_NODES!) });
 *   const { value, status, ageMs, version } = await cache.getOrLoad(
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
 * Heads and advance (append-aware results): every series also has a head, `…:{SYM:iv}:head` =
 * { rev, tail } — the rev of its last committed write and its last candles (binary, head-record.ts).
 * Ingest calls advanceHead(series, { rev, tail }) before it answers; the script stores it only if the
 * rev is newer, so out-of-order callers never move it back. Stored values carry (generation, head
 * rev). With getOrLoad's `advance` option a hit is ONE MGET [gen, head, value]:
 *   value.gen ≠ gen → miss · value.headRev ≥ head.rev → hit · value.headRev < head.rev →
 *   advance(value, head): the updated value is answered `hit` (stats: `advanced`) and written back
 *   only if the generation is unchanged and the stored rev is still older; undefined → a miss (the
 *   loader runs under the fill lock). No head while the value was stored at one (evicted) → a miss.
 * Concurrent readers of a key in a process share one flight, so one advance per write per process.
 * A loader's value is stored with the head rev read BEFORE the load (in the fill-lock script), so a
 * write landing during the load is applied by the next reader's advance: advance must be idempotent.
 * Without `advance` the head is not read (the fast path is unchanged) and only the generation and
 * the TTL retire a value. `global` keys have no head. advanceHead that cannot reach Valkey bumps the
 * generation instead (`invalidated`), so "after ingest returns, nobody here sees the old value" holds.
 * Cached.version = { gen, headRev } the answer was valid at; readVersion(series) is the current one
 * in one MGET [gen, head] without the value: a layer above may key serialized answers by version.
 * A `global` key's version is its namespace's generation (head rev 0): readNamespaceVersion(ns) is
 * one GET, and invalidateNamespace announces `nearCache.namespaceVersionIdOf(ns)` as series writes
 * announce theirs (namespace-versions.ts).
 *
 * Live bus (pub/sub + streams), channels hash-tagged like keys so a series stays on one shard:
 *   publishSeries(series, { rev, tail, tailOnly }) — one script: XADD `…:{SYM:iv}:events` MAXLEN ~
 *   live.seriesStreamLength (default 1,000: the replay bound) + SPUBLISH `…:{SYM:iv}:live`, same
 *   binary payload (1,600 bytes for 32 candles); resolves to the stream id (undefined: not taken).
 *   publishGlobal('liq', row) — the same on `…:{liq}:…` (MAXLEN ~ live.globalStreamLength, 10,000), JSON.
 *   subscribe(channel, onMessage, { onGap }) — one upstream SSUBSCRIBE per channel per process on a
 *   pub/sub client of its own, reference-counted, SUNSUBSCRIBE with the last local subscriber;
 *   messages of channels nobody here listens to are dropped at once (nothing queues). Messages are
 *   { id: stream id, event }, the event shared read-only by the channel's local subscribers.
 *   replay(channel, afterId, limit) — XRANGE after afterId (exclusive), oldest first, with the oldest
 *   id held: `missed` means entries after afterId may be gone (trimmed or lost) → resync.
 * Gaps: after a primary's kill -9, glide restores a lost subscription by itself (~4 s here) but took
 * 20–24 s when the shard held two or more of them; while any stays lost the pub/sub connection is
 * replaced every RECONNECT_EVERY_CHECKS watcher passes (4 s by default), which restores them at once
 * (test/cluster-failure-live.test.ts). Messages published meanwhile never arrive: each message
 * carries its predecessor's stream id, and a watcher compares glide's actual subscriptions with ours
 * every live.checkMs, so onGap fires with reason `sequence` or `resubscribed`. A subscriber's
 * pattern: track the last id it emitted; subscribe first, then replay from its last id; on a gap,
 * buffer live messages, replay from its last id (resync if `missed`), emit what is newer, then the
 * buffer; drop anything not newer than its last id (compareStreamIds). With snapshot series events
 * the newest entry is enough.
 *
 * Load: at most maxConcurrentCalls calls are in flight toward Valkey, maxQueuedCalls more wait;
 * beyond that a call is answered `bypass` at once (stats `shed`). The breaker opens for a sick
 * cluster, never for a busy process (see guarded-call.ts). Publishes and replays go through it too.
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
export type {
  AdvanceHeadResult,
  CacheStatus,
  CacheVersion,
  GetOrLoadOptions,
  Cached,
  WickCache,
  RateLimitResult,
  HealthNode,
  ClearResult,
} from './types.ts';
export type { SeriesHead } from './head-record.ts';
export type { NearCache, NearCacheJoinOptions, NearCacheCounts, VersionTicket } from './near-cache-types.ts';
export { MAX_TAIL_ROWS } from './head-record.ts';
export type {
  SeriesEvent,
  SeriesChannel,
  GlobalChannel,
  LiveChannel,
  LiveEventOf,
  LiveMessage,
  LiveGap,
  SubscribeOptions,
  LiveSubscription,
  ReplayResult,
  LiveStats,
} from './live-types.ts';
export { MAX_REPLAY } from './live-publisher.ts';
export { compareStreamIds } from './stream-ids.ts';
export { createCache } from './create-cache.ts';
export type { CacheStats, NodeStats } from './stats.ts';
export type { BreakerState } from './breaker.ts';
export type { WarmJob, Warmer, WarmerOptions, WarmerStats } from './warmer.ts';
export { createWarmer, backoffMs } from './warmer.ts';
export { CacheError, CacheTimeoutError, CacheUnavailableError, CacheConfigError, CacheAbortError, CacheCodecError } from './errors.ts';
