import { tracked, type TrackedEnvelope } from '@trpc/server';
import type { SeriesEvent } from '@wick/cache';
import type { ComputationHandle } from './indicator-computations.ts';
import type { IndicatorComputation } from './indicator-computation.ts';
import type { IndicatorLiveEvent, IndicatorWindowEvent } from './live-events.ts';
import type { LiveHub } from './live-hub.ts';
import { Notifier } from './notifier.ts';
import type { StreamLease } from './stream-slots.ts';
import { idBefore, NO_POSITION, publishedAtMs } from './stream-position.ts';
import { firstDifference } from './tail-overlay.ts';

/** What a subscriber still has to be sent: nothing, the values from a candle on, or the whole window. */
type Pending = { kind: 'none' } | { kind: 'from'; time: number } | { kind: 'window'; reason: IndicatorWindowEvent['resync'] };

/**
 * An indicators.live stream over a shared computation. It holds no values of its own, only what it
 * still owes (the earliest candle whose values changed since its last event): however slow its
 * reader, updates merge into one, read from the computation's current window when the stream asks
 * (latest wins, nothing skipped); once they reach back beyond the window it is sent the window.
 */
export async function* indicatorStream(
  hub: LiveHub,
  lease: StreamLease,
  handle: ComputationHandle,
  lastEventId: string | undefined,
): AsyncGenerator<TrackedEnvelope<IndicatorLiveEvent>, void, unknown> {
  const computation = handle.computation;
  const notifier = new Notifier();
  let pending: Pending = { kind: 'window', reason: null };
  let merged = 0;
  const stopListening = computation.listen({
    changed(fromTime) {
      if (pending.kind !== 'none') merged += 1;
      if (fromTime === undefined) pending = { kind: 'window', reason: 'history_changed' };
      else if (pending.kind === 'none') pending = { kind: 'from', time: fromTime };
      else if (pending.kind === 'from') pending = { kind: 'from', time: Math.min(pending.time, fromTime) };
      notifier.notify();
    },
  });
  hub.metrics.streamOpened('indicators');
  try {
    if (lastEventId !== undefined) pending = await resumePending(hub, computation, lastEventId);
    for (;;) {
      if (lease.signal.aborted) break;
      const owed = pending;
      if (owed.kind === 'none') {
        await notifier.wait(lease.signal);
        continue;
      }
      pending = { kind: 'none' };
      hub.metrics.coalesced('indicators', merged);
      merged = 0;
      let event: IndicatorLiveEvent | undefined = owed.kind === 'from' ? computation.updateFrom(owed.time) : undefined;
      if (!event) {
        const reason = owed.kind === 'window' ? owed.reason : 'queue_full';
        if (reason) hub.metrics.resync('indicators', reason);
        event = computation.windowEvent(reason);
      }
      const id = computation.lastId;
      hub.metrics.delivered('indicators', event.type === 'update' && id ? publishedAtMs(id) : undefined);
      yield tracked(id ?? NO_POSITION, event);
    }
    lease.throwIfEnded();
  } finally {
    stopListening();
    hub.metrics.streamClosed('indicators');
    lease.release();
    await handle.release();
  }
}

/**
 * What a subscriber resuming after `lastEventId` is owed: the values from the first candle that
 * changed since the entry it last saw (read back from the stream), or the whole window when that
 * entry is gone, the history moved under it, or the computation was rebuilt since.
 */
async function resumePending(hub: LiveHub, computation: IndicatorComputation, lastEventId: string): Promise<Pending> {
  const window = (reason: IndicatorWindowEvent['resync']): Pending => ({ kind: 'window', reason });
  const before = idBefore(lastEventId);
  const read =
    before === undefined
      ? undefined
      : await hub.source.replay({ kind: 'series', series: computation.spec.series }, before, hub.config.replayBatch);
  const baseline = read?.entries[0];
  if (!read || !baseline || baseline.id !== lastEventId || read.more) return window('replay_window');
  if (
    !continues(
      baseline.event,
      read.entries.slice(1).map((e) => e.event),
    )
  )
    return window('history_changed');
  if (
    computation.rebuiltAfter !== undefined &&
    computation.rebuiltAfter !== lastEventId &&
    read.entries.some((e) => e.id === computation.rebuiltAfter)
  ) {
    return window('history_changed');
  }
  const tail = computation.tail;
  if (!tail) return window('replay_window');
  const lastSeen = baseline.event.tail.time.at(-1);
  const candidates = [
    firstDifference(baseline.event.tail, tail),
    lastSeen === undefined ? undefined : computation.firstTimeAfter(lastSeen),
  ];
  const from = Math.min(...candidates.filter((t): t is number => t !== undefined));
  return Number.isFinite(from) ? { kind: 'from', time: from } : { kind: 'none' };
}

/** Every event after the baseline is tail-only and the revs follow without a hole (no history rewritten meanwhile). */
function continues(baseline: SeriesEvent, after: SeriesEvent[]): boolean {
  let rev = baseline.rev;
  for (const event of after) {
    if (event.rev <= rev) continue;
    if (!event.tailOnly || event.rev !== rev + 1) return false;
    rev = event.rev;
  }
  return true;
}
