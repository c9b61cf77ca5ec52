import { Decoder } from '@valkey/valkey-glide';
import { z } from 'zod';
import { CacheConfigError } from './errors.ts';
import type { GuardedCall } from './guarded-call.ts';
import { assertRev, assertTail } from './head-record.ts';
import type { KeyBuilder, SeriesRef } from './keys.ts';
import { resolveChannel } from './live-channel.ts';
import { encodeGlobalEvent, encodeSeriesEvent } from './live-event-codec.ts';
import type { LiveMetrics } from './live-metrics.ts';
import type { LiveChannel, LiveMessage, ReplayResult, SeriesEvent } from './live-types.ts';
import { PUBLISH, REPLAY } from './scripts.ts';
import { compareStreamIds, streamIdSchema } from './stream-ids.ts';

export interface LivePublisherDeps {
  keys: KeyBuilder;
  valkey: GuardedCall;
  metrics: LiveMetrics;
  /** MAXLEN ~ of a series' stream: the replay bound. */
  seriesStreamLength: number;
  globalStreamLength: number;
}

export const MAX_REPLAY = 10_000;
const replaySchema = z.object({ afterId: streamIdSchema.optional(), limit: z.number().int().min(1).max(MAX_REPLAY) });

type StreamEntry = [Buffer, Buffer[]];

/**
 * The write side of the live bus and its replay: one script per event appends it to the channel's
 * stream and publishes it on the channel's sharded pub/sub channel (scripts.ts PUBLISH). Every call
 * goes through GuardedCall: an event Valkey cannot take is reported (undefined), never thrown.
 */
export class LivePublisher {
  constructor(private readonly deps: LivePublisherDeps) {}

  async publishSeries(series: SeriesRef, event: SeriesEvent): Promise<string | undefined> {
    const channel = resolveChannel(this.deps.keys, { kind: 'series', series });
    assertRev(event?.rev, 'publishSeries');
    assertTail(event.tail, 'publishSeries');
    if (typeof event.tailOnly !== 'boolean') throw new CacheConfigError('publishSeries: tailOnly must be a boolean');
    return this.publish(channel.streamKey, channel.name, encodeSeriesEvent(event), this.deps.seriesStreamLength);
  }

  async publishGlobal(name: string, event: unknown): Promise<string | undefined> {
    const channel = resolveChannel(this.deps.keys, { kind: 'global', name });
    return this.publish(channel.streamKey, channel.name, encodeGlobalEvent(event), this.deps.globalStreamLength);
  }

  async replay(channel: LiveChannel, afterId: string | undefined, limit: number): Promise<ReplayResult<unknown> | undefined> {
    const parsed = replaySchema.safeParse({ afterId, limit });
    if (!parsed.success) throw new CacheConfigError(`invalid replay arguments: ${parsed.error.message}`);
    const resolved = resolveChannel(this.deps.keys, channel);
    const reply = await this.deps.valkey.run('replay', (client) =>
      client.invokeScript(REPLAY, { keys: [resolved.streamKey], args: [afterId ?? '', String(limit)], decoder: Decoder.Bytes }),
    );
    if (!reply.ok) return undefined;
    const [oldestRaw, newestRaw, raw] = reply.value as [Buffer, Buffer, StreamEntry[]];
    const oldestId = oldestRaw.length ? oldestRaw.toString('latin1') : null;
    const newestId = newestRaw.length ? newestRaw.toString('latin1') : null;
    // Without afterId the script reads newest first: hand them out oldest first like the rest.
    const ordered = afterId === undefined ? [...raw].reverse() : raw;
    const entries: LiveMessage<unknown>[] = [];
    for (const [id, fields] of ordered) {
      const event = fields[1] && resolved.decode(fields[1]);
      if (event !== undefined) entries.push({ id: id.toString('latin1'), event });
    }
    const lastRead = ordered.at(-1)?.[0].toString('latin1');
    return {
      entries,
      oldestId,
      newestId,
      missed: afterId !== undefined && (oldestId === null || compareStreamIds(afterId, oldestId) < 0),
      more: afterId !== undefined && raw.length === limit && lastRead !== newestId,
    };
  }

  private async publish(streamKey: string, channel: string, payload: Buffer, maxLength: number): Promise<string | undefined> {
    const reply = await this.deps.valkey.run('publish', (client) =>
      client.invokeScript(PUBLISH, { keys: [streamKey, channel], args: [payload, String(maxLength)], decoder: Decoder.String }),
    );
    this.deps.metrics.published(reply.ok);
    return reply.ok ? String(reply.value) : undefined;
  }
}
