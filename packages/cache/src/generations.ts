import { INTERVALS } from '@wick/market';
import type { Logger } from 'pino';
import type { GuardedCall } from './guarded-call.ts';
import { seriesTag, type KeyBuilder, type SeriesRef } from './keys.ts';
import { namespaceTag, readNamespaceVersion } from './namespace-versions.ts';
import { replicated } from './replication.ts';
import { BUMP } from './scripts.ts';
import type { StatsRecorder } from './stats.ts';
import type { CacheVersion } from './types.ts';

export interface GenerationsDeps {
  keys: KeyBuilder;
  valkey: GuardedCall;
  stats: StatsRecorder;
  logger: Logger | undefined;
  /** Detach in-process flights of a series, so nobody joins one that started before the bump. */
  forgetFlights: (taggedBase: string) => void;
  /** WAIT's timeout for a bump to reach a replica (replication.ts). */
  replicaWaitMs: number;
}

/**
 * Invalidation by generation: a bump moves a series (or a global namespace) to a new generation in
 * one script, so every value stored before it is a miss from then on. A bump that cannot reach
 * Valkey is kept as pending: until it lands (retried by the prober), this process reads that series
 * without the cache, so "after invalidate returns, nobody here sees the old value" still holds.
 */
export class Generations {
  /**
   * Bumps that have not landed, by tag: true when some write of it may have reached Valkey (a bump or
   * head no replica took, or a call that failed after it was sent), false when none was ever sent
   * (breaker open, queue full): then Valkey still holds the older version for every reader.
   */
  private readonly pending = new Map<string, boolean>();

  constructor(private readonly deps: GenerationsDeps) {}

  /** `written`: a write of this series already reached Valkey's primary (a head no replica took). */
  async invalidateSeries(series: SeriesRef, written = false): Promise<void> {
    this.deps.keys.resolve({ kind: 'candles', series, window: '-' }); // validates
    await this.bump(seriesTag(series), written);
  }

  async invalidateSymbol(symbol: string): Promise<void> {
    await Promise.all(INTERVALS.map((interval) => this.invalidateSeries({ symbol, interval })));
  }

  /** Bumps the namespace's generation; resolves to its tag (= its near-cache version id) for the announcement. */
  async invalidateNamespace(namespace: string): Promise<string> {
    const tag = namespaceTag(this.deps.keys, namespace); // validates
    await this.bump(tag);
    return tag;
  }

  /** A namespace's version is its generation alone (namespace-versions.ts); undefined while a bump of it is pending here. */
  readNamespaceVersion(namespace: string): Promise<CacheVersion | undefined> {
    const { keys, valkey } = this.deps;
    return readNamespaceVersion({ keys, valkey, hasPendingBump: (tag) => this.pending.has(tag) }, namespace);
  }

  hasPending(tag: string): boolean {
    return this.pending.has(tag);
  }

  /** Pending, and no write of it ever reached Valkey: every reader still sees the version before it. */
  neverSent(tag: string): boolean {
    return this.pending.get(tag) === false;
  }

  get pendingCount(): number {
    return this.pending.size;
  }

  /** Retries every bump that could not reach Valkey yet (the prober calls this). */
  async retryPending(): Promise<void> {
    for (const tag of [...this.pending.keys()]) await this.bump(tag);
  }

  private async bump(tag: string, written = false): Promise<void> {
    const { keys, valkey, stats, logger } = this.deps;
    stats.inc('invalidations');
    this.deps.forgetFlights(keys.tagged(tag));
    const genKey = keys.genKeyOfTag(tag);
    const bumped = await valkey.run('bump', async (client) => {
      const [, replicas] = (await client.invokeScript(BUMP, { keys: [genKey] })) as [string, number];
      return replicated(client, genKey, replicas, this.deps.replicaWaitMs);
    });
    if (bumped.ok && bumped.value) {
      this.pending.delete(tag);
      return;
    }
    // Not on a replica yet: a failover could still undo it, so it stays pending (and is bumped again).
    const sent = bumped.ok || bumped.reason === 'failed';
    this.pending.set(tag, written || sent || this.pending.get(tag) === true);
    logger?.warn({ tag, reason: bumped.ok ? 'unreplicated' : bumped.reason }, 'cache: invalidation deferred, valkey unavailable');
  }
}
