import { Decoder } from '@valkey/valkey-glide';
import type { Logger } from 'pino';
import type { GuardedCall } from './guarded-call.ts';
import { assertRev, assertTail, decodeHead, encodeHead, HEAD_MAGIC, headRevOf, type SeriesHead } from './head-record.ts';
import type { KeyBuilder, SeriesRef } from './keys.ts';
import { replicated } from './replication.ts';
import { ADVANCE_HEAD } from './scripts.ts';
import type { AdvanceHeadResult, CacheVersion } from './types.ts';

export interface SeriesHeadsDeps {
  keys: KeyBuilder;
  valkey: GuardedCall;
  logger: Logger | undefined;
  /** Detach in-process flights of a series, so nobody joins one that read the previous head. */
  forgetFlights: (taggedBase: string) => void;
  /**
   * When a head cannot be stored: bump the generation instead (deferred while Valkey is away).
   * `written`: the head did reach the primary (no replica took it), so readers may already see it.
   */
  invalidate: (series: SeriesRef, written: boolean) => Promise<void>;
  /** True while a bump of the series could not land: its version in Valkey is older than what this process wrote. */
  hasPendingBump: (tag: string) => boolean;
  /** WAIT's timeout for a head to reach a replica (replication.ts). */
  replicaWaitMs: number;
}

/**
 * Series heads (head-record.ts): the rev of a series' last committed write and its last candles, one
 * key per series in the series' slot. advanceHead never moves a head back, so callers that arrive out
 * of order (writes serialize in MySQL, their advanceHead calls need not) are harmless.
 */
export class SeriesHeads {
  constructor(private readonly deps: SeriesHeadsDeps) {}

  async advanceHead(series: SeriesRef, head: SeriesHead): Promise<AdvanceHeadResult> {
    const { keys, valkey, logger } = this.deps;
    const tag = keys.seriesTag(series);
    assertRev(head?.rev, 'advanceHead');
    assertTail(head.tail, 'advanceHead');
    const record = encodeHead(head);
    const headKey = keys.headKeyOfTag(tag);
    const stored = await valkey.run('advance_head', async (client) => {
      const [moved, replicas] = (await client.invokeScript(ADVANCE_HEAD, {
        keys: [headKey],
        args: [record, String(head.rev).padStart(20, '0'), HEAD_MAGIC],
      })) as [number, number];
      return { moved: moved === 1, durable: await replicated(client, headKey, replicas, this.deps.replicaWaitMs) };
    });
    if (stored.ok && stored.value.durable) {
      // After the head moved, not before: a flight that read the old head may have started meanwhile.
      if (stored.value.moved) this.deps.forgetFlights(keys.tagged(tag));
      return stored.value.moved ? 'stored' : 'ignored';
    }
    // Readers would go on seeing values without this write (or would again after a failover, if no
    // replica took it): retire them all instead.
    const reason = stored.ok ? 'unreplicated' : stored.reason;
    logger?.warn({ tag, rev: head.rev, reason }, 'cache: head not stored, invalidating the series instead');
    await this.deps.invalidate(series, stored.ok || stored.reason === 'failed');
    return 'invalidated';
  }

  async readHead(series: SeriesRef): Promise<SeriesHead | undefined> {
    const { keys, valkey } = this.deps;
    const key = keys.headKeyOfTag(keys.seriesTag(series));
    const reply = await valkey.run('read_head', (client) => client.get(key, { decoder: Decoder.Bytes }));
    if (!reply.ok || !reply.value) return undefined;
    return decodeHead(reply.value as Buffer);
  }

  /** One MGET [gen, head]: what a value cached now would be valid at. gen '0': none yet. */
  async readVersion(series: SeriesRef): Promise<CacheVersion | undefined> {
    const { keys, valkey } = this.deps;
    const tag = keys.seriesTag(series);
    // What Valkey holds is older than a write this process made: no version is the honest answer
    // (the caller goes to the loader path, which bypasses the cache for this series too).
    if (this.deps.hasPendingBump(tag)) return undefined;
    const reply = await valkey.run('read_version', (client) =>
      client.mget([keys.genKeyOfTag(tag), keys.headKeyOfTag(tag)], { decoder: Decoder.Bytes }),
    );
    if (!reply.ok) return undefined;
    const [gen, head] = reply.value as [Buffer | null, Buffer | null];
    return { gen: gen ? gen.toString('latin1') : '0', headRev: (head && headRevOf(head)) ?? 0 };
  }
}
