import type { SeriesRef } from './keys.ts';
import type { NearCacheCounts } from './near-cache-metrics.ts';
import type { NearVersion as CacheVersion, VersionTicket } from './near-cache-versions.ts';

export type { VersionTicket } from './near-cache-versions.ts';
export type { NearCacheCounts } from './near-cache-metrics.ts';

export interface NearCacheJoinOptions {
  /** How long a member stays in standing without a renewal (renewed every lease/4). Default 2,000 ms. */
  leaseMs?: number;
}

/**
 * A process's side of the near-cache bus (near-cache.ts). Every cache writes through it (its
 * version-publishing writes wait for the members' acks); a process that joins also keeps the
 * versions of what it reads locally, dropped by the writers' announcements.
 */
export interface NearCache {
  /** The version id of a series (announcements name these). */
  versionIdOf(series: SeriesRef): string;
  /**
   * The version id of a `global` namespace (`ns:<name>`, its cache tag): invalidateNamespace announces
   * it once the bump landed, as series writes announce theirs. Throws CacheConfigError for an invalid name.
   */
  namespaceVersionIdOf(namespace: string): string;
  /** Subscribe, then join as a member (bus mode); renews in the background. True once in standing. */
  join(options?: NearCacheJoinOptions): Promise<boolean>;
  /** True when this process joined (it may still be out of standing now). */
  readonly joined: boolean;
  /** Good standing now: the local versions may stand in for Valkey's. */
  inStanding(): boolean;
  /** The local version of an id, only while in good standing; undefined: read it from Valkey (ticket first). */
  version(id: string): CacheVersion | undefined;
  /** Before reading a version from Valkey to keep it; null when not in standing (nothing is kept). */
  ticket(id: string): VersionTicket | null;
  /** Keeps a version read from Valkey after `ticket`, unless the id was announced (or standing changed) since. */
  remember(id: string, version: CacheVersion, ticket: VersionTicket | null): void;
  counts(): NearCacheCounts & { standing: boolean | null };
  /**
   * Test hook: while on, incoming bus messages are dropped without a trace, as a subscription that
   * is gone unnoticed would; the writers' fence + lease wait must still keep this process fresh.
   */
  dropMessages(on: boolean): void;
}
