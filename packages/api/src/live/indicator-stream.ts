import { tracked, type TrackedEnvelope } from '@trpc/server';
import type { ComputationHandle } from './indicator-computations.ts';
import { IndicatorOwed } from './indicator-owed.ts';
import type { IndicatorLiveEvent } from './live-events.ts';
import type { LiveHub } from './live-hub.ts';
import { Notifier } from './notifier.ts';
import type { StreamLease } from './stream-slots.ts';
import { NO_POSITION, publishedAtMs } from './stream-position.ts';

/**
 * An indicators.live stream over a shared computation: each event is what the subscriber is owed
 * when it reads (IndicatorOwed: updates merge while it does not, latest wins, nothing skipped).
 */
export async function* indicatorStream(
  hub: LiveHub,
  lease: StreamLease,
  handle: ComputationHandle,
  lastEventId: string | undefined,
): AsyncGenerator<TrackedEnvelope<IndicatorLiveEvent>, void, unknown> {
  const computation = handle.computation;
  const notifier = new Notifier();
  const owed = new IndicatorOwed(hub, computation, () => notifier.notify());
  hub.metrics.streamOpened('indicators');
  try {
    if (lastEventId !== undefined) await owed.resume(lastEventId);
    for (;;) {
      if (lease.signal.aborted) break;
      const event = owed.take();
      if (!event) {
        await notifier.wait(lease.signal);
        continue;
      }
      const id = computation.lastId;
      hub.metrics.delivered('indicators', event.type === 'update' && id ? publishedAtMs(id) : undefined);
      yield tracked(id ?? NO_POSITION, event);
    }
    lease.throwIfEnded();
  } finally {
    owed.close();
    hub.metrics.streamClosed('indicators');
    lease.release();
    await handle.release();
  }
}
