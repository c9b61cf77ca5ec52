import { ClusterAdmin } from './admin.ts';
import { CircuitBreaker, type BreakerState } from './breaker.ts';
import { ConcurrencyGate } from './concurrency-gate.ts';
import { Connection } from './connection.ts';
import { Generations } from './generations.ts';
import { GetOrLoad } from './get-or-load.ts';
import { GuardedCall } from './guarded-call.ts';
import type { SeriesHead } from './head-record.ts';
import { KeyBuilder, seriesTag, type CacheKey, type SeriesRef } from './keys.ts';
import { INTERVALS, type Interval } from '@wick/market';
import { LiveBus } from './live-bus.ts';
import { DEFAULT_ACK_TIMEOUT_MS, MAX_LEASE_MS, NearCacheBus } from './near-cache.ts';
import { ALL_VERSIONS } from './near-cache-message.ts';
import type { NearCache } from './near-cache-types.ts';
import type { LiveChannel, LiveEventOf, LiveMessage, LiveSubscription, ReplayResult, SeriesEvent, SubscribeOptions } from './live-types.ts';
import type { ResolvedOptions } from './options.ts';
import { BreakerProbe } from './probe.ts';
import { RateLimiter } from './rate-limit.ts';
import { replicaWaitMs } from './replication.ts';
import { SeriesHeads } from './series-heads.ts';
import { StatsRecorder, type CacheStats } from './stats.ts';
import { createTokenSource } from './tokens.ts';
import { DEFAULT_TTL, mergeTtl, ttlForWindow, ttlPatchFromEnv, type TtlTable } from './ttl.ts';
import type {
  AdvanceHeadResult,
  Cached,
  CacheVersion,
  ClearResult,
  GetOrLoadOptions,
  HealthNode,
  RateLimitResult,
  WickCache,
} from './types.ts';

/** WickCache over a Valkey cluster: wires the parts together; each part is its own file. */
export class ValkeyCache implements WickCache {
  readonly ttlTable: Readonly<TtlTable>;
  private readonly breaker: CircuitBreaker;
  private readonly connection: Connection;
  private readonly probe: BreakerProbe;
  private readonly getOrLoadRunner: GetOrLoad;
  private readonly generations: Generations;
  private readonly heads: SeriesHeads;
  private readonly live: LiveBus;
  private readonly rateLimiter: RateLimiter;
  private readonly admin: ClusterAdmin;
  private readonly near: NearCacheBus;

  constructor(options: ResolvedOptions) {
    const { logger } = options;
    this.ttlTable = mergeTtl(DEFAULT_TTL, ttlPatchFromEnv(options.env ?? process.env), options.ttl);
    const keys = new KeyBuilder(options.prefix);
    const nextToken = createTokenSource();
    const stats = new StatsRecorder(options.registry, () => this.admin.nodeStats());
    this.breaker = new CircuitBreaker({
      failureThreshold: options.breaker.failureThreshold,
      onChange: (state, cause) => {
        stats.breaker(state, cause);
        // A trip (with what tripped it) is a warning; the prober's half-open/open steps while the
        // cluster stays down are routine and would repeat every openMs.
        if (cause !== undefined) logger?.warn({ breaker: state, trip: cause.kind, cause: cause.detail }, `cache: breaker ${state}`);
        else logger?.[state === 'closed' ? 'info' : 'debug']({ breaker: state }, `cache: breaker ${state}`);
      },
    });
    this.connection = new Connection(
      {
        nodes: options.nodes,
        requestTimeoutMs: options.requestTimeoutMs,
        connectTimeoutMs: options.connectTimeoutMs,
        inflightLimit: options.inflightLimit,
      },
      logger,
      () => void this.probe.probe(),
    );
    const gate = new ConcurrencyGate(options.maxConcurrentCalls, options.maxQueuedCalls);
    const valkey = new GuardedCall(this.connection, this.breaker, gate, stats, logger);
    this.getOrLoadRunner = new GetOrLoad({
      keys,
      valkey,
      stats,
      logger,
      lockMs: options.lockMs,
      lockWaitMs: options.lockWaitMs,
      nextToken,
      hasPendingBump: (tag) => this.generations.hasPending(tag),
    });
    this.generations = new Generations({
      keys,
      valkey,
      stats,
      logger,
      forgetFlights: (taggedBase) => this.getOrLoadRunner.forgetTagged(taggedBase),
      replicaWaitMs: replicaWaitMs(options.requestTimeoutMs),
    });
    this.heads = new SeriesHeads({
      keys,
      valkey,
      logger,
      forgetFlights: (taggedBase) => this.getOrLoadRunner.forgetTagged(taggedBase),
      invalidate: (series, written) => this.generations.invalidateSeries(series, written),
      hasPendingBump: (tag) => this.generations.hasPending(tag),
      replicaWaitMs: replicaWaitMs(options.requestTimeoutMs),
    });
    this.live = new LiveBus(
      {
        nodes: options.nodes,
        requestTimeoutMs: options.requestTimeoutMs,
        connectTimeoutMs: options.connectTimeoutMs,
        ...options.live,
      },
      { keys, valkey, registry: options.registry, logger },
    );
    // Every version-publishing write below waits for the near-cache members' acks (near-cache.ts).
    this.near = new NearCacheBus(
      {
        nodes: options.nodes,
        requestTimeoutMs: options.requestTimeoutMs,
        connectTimeoutMs: options.connectTimeoutMs,
        subscribeTimeoutMs: options.live.subscribeTimeoutMs,
        replicaWaitMs: replicaWaitMs(options.requestTimeoutMs),
        ackTimeoutMs: DEFAULT_ACK_TIMEOUT_MS,
        maxLeaseMs: MAX_LEASE_MS,
      },
      { keys, valkey, registry: options.registry, logger },
    );
    this.rateLimiter = new RateLimiter({ keys, valkey, stats, nextToken });
    this.admin = new ClusterAdmin({
      connection: this.connection,
      breaker: this.breaker,
      stats,
      prefix: options.prefix,
      forgetAllFlights: () => this.getOrLoadRunner.forgetAll(),
      liveStats: () => this.live.stats(),
    });
    this.probe = new BreakerProbe({
      breaker: this.breaker,
      connection: this.connection,
      logger,
      hasPendingWork: () => this.generations.pendingCount > 0,
      // A deferred bump that lands moves a version too: members drop everything (rare: after failures).
      retryPendingWork: async () => {
        const pending = this.generations.pendingCount;
        await this.generations.retryPending();
        if (pending > 0) await this.near.published([ALL_VERSIONS]);
      },
    });
    // Until the first connection succeeds the cache is "open": every call goes to its loader.
    this.breaker.trip({ kind: 'not_connected', detail: 'not connected yet' });
    this.probe.start(options.breaker.openMs);
  }

  /** One bounded connection attempt; on failure the connection keeps retrying in the background. */
  async start(): Promise<void> {
    if (await this.connection.connect()) await this.probe.probe();
  }

  get breakerState(): BreakerState {
    return this.breaker.state;
  }

  ttlFor(interval: Interval, opts: { toMs: number; nowMs?: number }): number {
    return ttlForWindow(this.ttlTable, interval, opts.toMs, opts.nowMs ?? Date.now());
  }

  getOrLoad<T>(key: CacheKey, loader: () => Promise<T>, options: GetOrLoadOptions<T>): Promise<Cached<T>> {
    return this.getOrLoadRunner.run(key, loader, options, false);
  }

  refresh<T>(key: CacheKey, loader: () => Promise<T>, options: GetOrLoadOptions<T>): Promise<Cached<T>> {
    return this.getOrLoadRunner.run(key, loader, options, true);
  }

  get nearCache(): NearCache {
    return this.near;
  }

  async invalidateSeries(series: SeriesRef): Promise<void> {
    await this.generations.invalidateSeries(series);
    await this.announceMoved([seriesTag(series)]);
  }

  async advanceHead(series: SeriesRef, head: SeriesHead): Promise<AdvanceHeadResult> {
    const result = await this.heads.advanceHead(series, head);
    // 'ignored' too: the newer head's writer may not have announced yet, and this write is in it.
    await this.announceMoved([seriesTag(series)]);
    return result;
  }

  /**
   * Announces the ids a write moved, unless nothing of it ever reached Valkey (breaker open, queue
   * full): then every reader, here or elsewhere, still reads the older version from Valkey, as in read
   * mode, and an announcement that cannot be sent would only wait out every lease. A bump kept pending
   * because no replica took it did reach the primary, so it is announced. This process drops every
   * pending id from its own map either way: here readVersion answers nothing for it until it lands.
   */
  private async announceMoved(tags: string[]): Promise<void> {
    const pending = tags.filter((tag) => this.generations.hasPending(tag));
    if (pending.length > 0) this.near.forgetLocally(pending);
    const reached = tags.filter((tag) => !this.generations.neverSent(tag));
    if (reached.length > 0) await this.near.published(reached);
  }

  readHead(series: SeriesRef): Promise<SeriesHead | undefined> {
    return this.heads.readHead(series);
  }

  readVersion(series: SeriesRef): Promise<CacheVersion | undefined> {
    return this.heads.readVersion(series);
  }

  readNamespaceVersion(namespace: string): Promise<CacheVersion | undefined> {
    return this.generations.readNamespaceVersion(namespace);
  }

  publishSeries(series: SeriesRef, event: SeriesEvent): Promise<string | undefined> {
    return this.live.publishSeries(series, event);
  }

  publishGlobal(name: string, event: unknown): Promise<string | undefined> {
    return this.live.publishGlobal(name, event);
  }

  subscribe<C extends LiveChannel>(
    channel: C,
    onMessage: (message: LiveMessage<LiveEventOf<C>>) => void,
    options?: SubscribeOptions,
  ): Promise<LiveSubscription> {
    // Sound: the channel's decoder yields LiveEventOf<C> (SeriesEvent for a series channel).
    return this.live.subscribe(channel, onMessage as (message: LiveMessage<unknown>) => void, options);
  }

  replay<C extends LiveChannel>(channel: C, afterId: string | undefined, limit: number): Promise<ReplayResult<LiveEventOf<C>> | undefined> {
    return this.live.replay(channel, afterId, limit) as Promise<ReplayResult<LiveEventOf<C>> | undefined>;
  }

  async invalidateSymbol(symbol: string): Promise<void> {
    await this.generations.invalidateSymbol(symbol);
    await this.announceMoved(INTERVALS.map((interval) => seriesTag({ symbol, interval })));
  }

  async invalidateNamespace(namespace: string): Promise<void> {
    // The namespace's tag is its near-cache version id (namespaceVersionIdOf): announced like a series'.
    await this.announceMoved([await this.generations.invalidateNamespace(namespace)]);
  }

  rateLimit(id: string, limit: number, windowMs: number): Promise<RateLimitResult> {
    return this.rateLimiter.check(id, limit, windowMs);
  }

  async clear(): Promise<ClearResult> {
    // The clear removes the member set too: the members listed before it must still ack.
    const members = await this.near.liveMembers();
    const result = await this.admin.clear();
    await this.near.published([ALL_VERSIONS], members);
    return result;
  }

  health(): Promise<{ ok: boolean; nodes: HealthNode[] }> {
    return this.admin.health();
  }

  stats(): Promise<CacheStats> {
    return this.admin.stats();
  }

  async close(): Promise<void> {
    this.probe.stop();
    await this.near.close();
    await this.live.close();
    await this.connection.close();
  }
}
