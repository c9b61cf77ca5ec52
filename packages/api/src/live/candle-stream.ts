import { tracked, type TrackedEnvelope } from '@trpc/server';
import type { CandleSubscriber } from './candle-subscriber.ts';
import type { CandleLiveEvent } from './live-events.ts';

/**
 * A candles.live stream as an async iterator (how every caller but the SSE writer's push path reads
 * it): a snapshot of the series' last candles, then only the candles that changed since what this
 * stream was sent. A stream that is not read meanwhile is handed everything that changed in one
 * update when it reads again (open-candle updates coalesce, latest wins); closed candles are in
 * every snapshot after them, and a stream that missed more than a tail's worth is told to reload
 * (`reload`), never left silently short. See candle-subscriber.ts.
 */
export async function* candleStream(
  subscriber: CandleSubscriber,
  throwIfEnded: () => void,
): AsyncGenerator<TrackedEnvelope<CandleLiveEvent>, void, unknown> {
  try {
    await subscriber.open();
    for (;;) {
      const out = await subscriber.next();
      if (!out) break;
      yield tracked(out.id, out.event);
    }
    throwIfEnded();
  } finally {
    await subscriber.close();
  }
}
