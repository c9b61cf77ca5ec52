import { tracked, type TrackedEnvelope } from '@trpc/server';
import { CANDLE_COLUMN_NAMES, isCandleOpen, type CandleColumns } from '@wick/market';
import type { CandleArrays, Series } from '../services/candles.ts';
import { candleDelta } from './candle-delta.ts';
import type { CandleLiveEvent } from './live-events.ts';
import type { LiveHub } from './live-hub.ts';
import type { SeriesStep } from './series-follower.ts';
import type { StreamLease } from './stream-slots.ts';
import { NO_POSITION, publishedAtMs } from './stream-position.ts';

function arrays(c: CandleColumns): CandleArrays {
  const out = {} as CandleArrays;
  for (const name of CANDLE_COLUMN_NAMES) out[name] = Array.from(c[name]);
  return out;
}

/**
 * A candles.live stream: a snapshot of the series' last candles, then, per step of the series, only
 * the candles that changed since what this stream sent. A stream that falls behind is handed the
 * newest snapshot when it reads again (open-candle updates coalesce, latest wins); closed candles
 * are in every snapshot after them, and a stream that missed more than a tail's worth is told to
 * reload (`reload`), never left silently short.
 */
export async function* candleStream(
  hub: LiveHub,
  lease: StreamLease,
  series: Series,
  lastEventId: string | undefined,
): AsyncGenerator<TrackedEnvelope<CandleLiveEvent>, void, unknown> {
  const follower = hub.follower(series);
  /** The last tail this stream was sent (the bus's own, read-only): the next update is the difference. */
  let sent: { id: string | undefined; tail: CandleColumns } | null = null;
  hub.metrics.streamOpened('candles');
  try {
    await follower.open(lastEventId);
    for (;;) {
      const step = await follower.next(lease.signal);
      if (!step) break;
      hub.metrics.coalesced('candles', step.coalesced);
      const event = eventOf(hub, series, sent, step);
      sent = { id: step.id, tail: step.event.tail };
      if (!event) continue;
      if (event.type === 'resync') hub.metrics.resync('candles', 'replay_window');
      hub.metrics.delivered('candles', step.via === 'live' && step.id ? publishedAtMs(step.id) : undefined);
      yield tracked(step.id ?? NO_POSITION, event);
    }
    lease.throwIfEnded();
  } finally {
    hub.metrics.streamClosed('candles');
    lease.release();
    await follower.close();
  }
}

function eventOf(
  hub: LiveHub,
  series: Series,
  sent: { id: string | undefined; tail: CandleColumns } | null,
  step: SeriesStep,
): CandleLiveEvent | undefined {
  const { tail, rev } = step.event;
  if (step.via === 'baseline') return undefined;
  const base = { symbol: series.symbol, interval: series.interval, rev };
  if (step.via === 'snapshot' || step.via === 'resync') {
    return { ...base, type: step.via, candles: arrays(tail), openTime: openTimeOf(series, tail), reload: step.via === 'resync' };
  }
  const build = (): CandleLiveEvent => {
    const { changed, hole } = sent ? candleDelta(sent.tail, tail, series.interval) : { changed: tail, hole: false };
    return { ...base, type: 'update', candles: arrays(changed), openTime: openTimeOf(series, changed), reload: hole || !step.intact };
  };
  // Streams that were sent the same tail get the same update: build it once for all of them.
  const shareable = sent?.id !== undefined && step.id !== undefined;
  const event = shareable
    ? hub.candleUpdates.get(`${series.symbol}:${series.interval}|${sent!.id}|${step.id}|${step.intact}`, build)
    : build();
  return event.candles.time.length === 0 && !event.reload ? undefined : event;
}

function openTimeOf(series: Series, candles: CandleColumns): number | null {
  const last = candles.time.at(-1);
  return last !== undefined && isCandleOpen(series.interval, last) ? last : null;
}
