import { tracked, type TrackedEnvelope } from '@trpc/server';
import { compareStreamIds } from '@wick/cache';
import type { ComputationHandle } from './indicator-computations.ts';
import { IndicatorOwed } from './indicator-owed.ts';
import type { IndicatorLiveEvent, IndicatorManyEvent } from './live-events.ts';
import type { LiveHub } from './live-hub.ts';
import { Notifier } from './notifier.ts';
import type { StreamLease } from './stream-slots.ts';
import { NO_POSITION, publishedAtMs } from './stream-position.ts';

/**
 * The events handed out per computation event and item: streams owed the same event of the same
 * item get the same object (the SSE writer encodes it once). Weak: they go with their event.
 */
const labelled = new WeakMap<IndicatorLiveEvent, Map<number, IndicatorManyEvent>>();

function labelledEvent(item: number, indicator: string, event: IndicatorLiveEvent): IndicatorManyEvent {
  let byItem = labelled.get(event);
  if (!byItem) labelled.set(event, (byItem = new Map()));
  let out = byItem.get(item);
  if (!out) byItem.set(item, (out = { item, indicator, event }));
  return out;
}

/**
 * The tracked id of a multiplexed stream: the earliest position among its items (each item's events
 * are all sent up to its own position). Resuming from it, an item further along is sent again what
 * changed since — values at the same candles, which replace the ones held — and none misses any.
 */
function streamPosition(items: readonly IndicatorOwed[]): string {
  let earliest: string | undefined;
  for (const item of items) {
    const at = item.position;
    if (at === undefined) return NO_POSITION;
    if (earliest === undefined || compareStreamIds(at, earliest) < 0) earliest = at;
  }
  return earliest ?? NO_POSITION;
}

/**
 * An indicators.liveMany stream: several shared computations of one series over one subscription.
 * Each item is owed its events as in indicators.live (merged while the reader does not read); the
 * stream sends whichever item is owed one, round-robin, so a busy indicator never starves the rest.
 */
export async function* indicatorManyStream(
  hub: LiveHub,
  lease: StreamLease,
  handles: readonly ComputationHandle[],
  lastEventId: string | undefined,
): AsyncGenerator<TrackedEnvelope<IndicatorManyEvent>, void, unknown> {
  const notifier = new Notifier();
  const items = handles.map((h) => new IndicatorOwed(hub, h.computation, () => notifier.notify()));
  hub.metrics.streamOpened('indicators');
  try {
    if (lastEventId !== undefined) await Promise.all(items.map((item) => item.resume(lastEventId)));
    let next = 0;
    for (;;) {
      if (lease.signal.aborted) break;
      let served: { at: number; event: IndicatorLiveEvent } | undefined;
      for (let k = 0; k < items.length && !served; k++) {
        const at = (next + k) % items.length;
        const event = items[at]!.take();
        if (event) served = { at, event };
      }
      if (!served) {
        await notifier.wait(lease.signal);
        continue;
      }
      next = (served.at + 1) % items.length;
      const { at, event } = served;
      const own = items[at]!.computation.lastId;
      hub.metrics.delivered('indicators', event.type === 'update' && own ? publishedAtMs(own) : undefined);
      yield tracked(streamPosition(items), labelledEvent(at, items[at]!.computation.spec.indicator, event));
    }
    lease.throwIfEnded();
  } finally {
    for (const item of items) item.close();
    hub.metrics.streamClosed('indicators');
    lease.release();
    await Promise.allSettled(handles.map((h) => h.release()));
  }
}
