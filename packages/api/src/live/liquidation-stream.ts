import { tracked, type TrackedEnvelope } from '@trpc/server';
import { compareStreamIds, type GlobalChannel, type LiveMessage, type LiveSubscription } from '@wick/cache';
import { SIDES, type LiquidationRow, type Side } from '@wick/market';
import { z } from 'zod';
import type { LiquidationLiveEvent } from './live-events.ts';
import type { LiveHub } from './live-hub.ts';
import { Notifier } from './notifier.ts';
import type { StreamLease } from './stream-slots.ts';
import { NO_POSITION, publishedAtMs } from './stream-position.ts';

export const LIQUIDATION_CHANNEL: GlobalChannel = { kind: 'global', name: 'liq' };
/** Newest matching rows a resync event carries. */
const RESYNC_ROWS = 100;

export interface LiquidationStreamFilter {
  symbol?: string | undefined;
  side?: Side | undefined;
  minUsd?: number | undefined;
}

const decimal = z.string().regex(/^-?\d{1,30}(\.\d{1,20})?$/);
/** A published liquidation as ingest sends it (global events are unchecked JSON: anything else is skipped). */
const liquidationRow = z.object({
  id: z.number().int().nonnegative(),
  symbol: z.string().min(1).max(32),
  side: z.enum(SIDES),
  orderType: z.string().max(32),
  timeInForce: z.string().max(32),
  originalQuantity: decimal,
  price: decimal,
  averagePrice: decimal,
  orderStatus: z.string().max(32),
  lastFillQuantity: decimal,
  accumulatedFillQuantity: decimal,
  orderTradeTime: z.number().int(),
  usd: decimal,
}) satisfies z.ZodType<LiquidationRow>;

function matches(row: LiquidationRow, filter: LiquidationStreamFilter): boolean {
  return (
    (filter.symbol === undefined || row.symbol === filter.symbol) &&
    (filter.side === undefined || row.side === filter.side) &&
    (filter.minUsd === undefined || Number(row.usd) >= filter.minUsd)
  );
}

/**
 * A liquidations.live stream: each new matching liquidation once, in stream order, deduplicated by
 * liquidation id (a row published twice is sent once). Rows wait in a queue of at most
 * `queueLimit`; a reader that lets it overflow loses the queue and gets one resync event instead
 * (with the newest matching rows), never a silent gap. Gaps of the bus and resumes read the stream.
 */
export async function* liquidationStream(
  hub: LiveHub,
  lease: StreamLease,
  filter: LiquidationStreamFilter,
  lastEventId: string | undefined,
): AsyncGenerator<TrackedEnvelope<LiquidationLiveEvent>, void, unknown> {
  const { queueLimit, replayBatch, retryMs } = hub.config;
  const notifier = new Notifier();
  const queue: { id: string; row: LiquidationRow }[] = [];
  const sentIds = new Set<number>();
  let highWater = lastEventId;
  let needReplay = lastEventId !== undefined;
  let replaying = false;
  let resync: 'replay_window' | 'queue_full' | null = null;

  const resyncFor = (reason: 'replay_window' | 'queue_full'): void => {
    hub.metrics.dropped('liquidations', queue.length);
    queue.length = 0;
    if (resync === null) hub.metrics.resync('liquidations', reason);
    resync = reason;
  };
  const take = (message: LiveMessage<unknown>): void => {
    if (highWater !== undefined && compareStreamIds(message.id, highWater) <= 0) return;
    highWater = message.id;
    const parsed = liquidationRow.safeParse(message.event);
    if (!parsed.success || !matches(parsed.data, filter)) return;
    // A resync is due: it will carry the newest rows, and the stream resumes after them.
    if (resync !== null) return hub.metrics.dropped('liquidations', 1);
    if (queue.length >= queueLimit) {
      resyncFor('queue_full');
      return hub.metrics.dropped('liquidations', 1);
    }
    queue.push({ id: message.id, row: parsed.data });
  };

  hub.metrics.streamOpened('liquidations');
  const untrackQueue = hub.metrics.trackQueue(() => queue.length);
  let subscription: LiveSubscription | null = null;
  try {
    subscription = await hub.source.subscribe(
      LIQUIDATION_CHANNEL,
      (message) => {
        if (replaying || needReplay) needReplay = true;
        else take(message);
        notifier.notify();
      },
      {
        onGap: () => {
          needReplay = true;
          notifier.notify();
        },
      },
    );
    // A new stream starts with its position: the channel's end once it listens (later rows are
    // replayed after it), so a stream cut before its first liquidation resumes from there.
    while (lastEventId === undefined && !lease.signal.aborted) {
      replaying = true;
      const end = await hub.source.replay(LIQUIDATION_CHANNEL, undefined, 1).finally(() => (replaying = false));
      if (!end) {
        await notifier.wait(lease.signal, retryMs);
        continue;
      }
      highWater = end.newestId ?? undefined;
      needReplay = true; // whatever came while the end was read
      hub.metrics.delivered('liquidations', undefined);
      yield tracked(highWater ?? NO_POSITION, { type: 'position' });
      break;
    }
    while (!lease.signal.aborted) {
      if (resync) {
        const reason = resync;
        // Live messages meanwhile only mark a replay due: it reads them after the newest entry below.
        replaying = true;
        const latest = await hub.source.replay(LIQUIDATION_CHANNEL, undefined, RESYNC_ROWS).finally(() => (replaying = false));
        if (!latest) {
          await notifier.wait(lease.signal, retryMs);
          continue;
        }
        resync = null;
        queue.length = 0;
        highWater = latest.newestId ?? highWater;
        const rows = latest.entries.flatMap((e) => {
          const parsed = liquidationRow.safeParse(e.event);
          return parsed.success && matches(parsed.data, filter) ? [parsed.data] : [];
        });
        for (const row of rows) sentIds.add(row.id);
        hub.metrics.delivered('liquidations', undefined);
        yield tracked(highWater ?? NO_POSITION, { type: 'resync', reason, latest: rows });
        continue;
      }
      const next = queue.shift();
      if (next) {
        if (sentIds.has(next.row.id)) continue;
        sentIds.add(next.row.id);
        // Ids only matter for dedupe within reach of the replay window.
        if (sentIds.size > 2 * queueLimit) sentIds.delete(sentIds.values().next().value!);
        hub.metrics.delivered('liquidations', publishedAtMs(next.id));
        yield tracked(next.id, { type: 'liquidation', liquidation: next.row });
        continue;
      }
      if (needReplay) {
        needReplay = false;
        replaying = true;
        try {
          const read = await hub.source.replay(LIQUIDATION_CHANNEL, highWater, replayBatch);
          if (!read) {
            needReplay = true;
            await notifier.wait(lease.signal, retryMs);
          } else if (highWater !== undefined && read.missed) {
            resyncFor('replay_window');
          } else {
            for (const entry of read.entries) take(entry);
            if (read.more) needReplay = true;
          }
        } finally {
          replaying = false;
        }
        continue;
      }
      await notifier.wait(lease.signal);
    }
    lease.throwIfEnded();
  } finally {
    hub.metrics.streamClosed('liquidations');
    untrackQueue();
    lease.release();
    await subscription?.unsubscribe();
  }
}
