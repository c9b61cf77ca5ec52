import type { SeriesEvent } from '@wick/cache';
import { compareStreamIds } from '@wick/cache';
import type { IndicatorComputation } from './indicator-computation.ts';
import type { IndicatorLiveEvent, IndicatorWindowEvent } from './live-events.ts';
import type { LiveHub } from './live-hub.ts';
import { idBefore } from './stream-position.ts';
import { firstDifference } from './tail-overlay.ts';

/** What a subscriber still has to be sent: nothing, the values from a candle on, or the whole window. */
type Pending = { kind: 'none' } | { kind: 'from'; time: number } | { kind: 'window'; reason: IndicatorWindowEvent['resync'] };

/**
 * What one subscriber is owed of one shared computation. It holds no values of its own, only the
 * earliest candle whose values changed since its last event: however slow its reader, updates merge
 * into one, read from the computation's current window when the stream asks (latest wins, nothing
 * skipped); once they reach back beyond the window it is owed the window.
 */
export class IndicatorOwed {
  private pending: Pending = { kind: 'window', reason: null };
  private merged = 0;
  /** The stream id the subscriber's view was current at when it was last sent (or resumed from). */
  private sentAt: string | undefined;
  private readonly stopListening: () => void;

  constructor(
    private readonly hub: LiveHub,
    readonly computation: IndicatorComputation,
    onChange: () => void,
  ) {
    this.stopListening = computation.listen({
      changed: (fromTime) => {
        const pending = this.pending;
        if (pending.kind !== 'none') this.merged += 1;
        if (fromTime === undefined) this.pending = { kind: 'window', reason: 'history_changed' };
        else if (pending.kind === 'none') this.pending = { kind: 'from', time: fromTime };
        else if (pending.kind === 'from') this.pending = { kind: 'from', time: Math.min(pending.time, fromTime) };
        onChange();
      },
    });
  }

  /** Owes what changed since `lastEventId` instead of the window (see resumePending). */
  async resume(lastEventId: string): Promise<void> {
    this.pending = await resumePending(this.hub, this.computation, lastEventId);
    this.sentAt = lastEventId;
  }

  get due(): boolean {
    return this.pending.kind !== 'none';
  }

  /**
   * The stream id up to which the subscriber has everything of this computation: the computation's
   * own once nothing is owed (a change notifies before the computation's id moves), else where it
   * was last sent. Resuming from it misses nothing; undefined: no position (a resume gets the window).
   */
  get position(): string | undefined {
    if (this.due) return this.sentAt;
    const own = this.computation.lastId;
    if (own === undefined || this.sentAt === undefined) return own ?? this.sentAt;
    return compareStreamIds(own, this.sentAt) >= 0 ? own : this.sentAt;
  }

  /** The event owed now (undefined: nothing), counted in the live metrics; it brings the subscriber to `position`. */
  take(): IndicatorLiveEvent | undefined {
    const owed = this.pending;
    if (owed.kind === 'none') return undefined;
    this.pending = { kind: 'none' };
    this.hub.metrics.coalesced('indicators', this.merged);
    this.merged = 0;
    const computation = this.computation;
    let event: IndicatorLiveEvent | undefined = owed.kind === 'from' ? computation.updateFrom(owed.time) : undefined;
    if (!event) {
      const reason = owed.kind === 'window' ? owed.reason : 'queue_full';
      if (reason) this.hub.metrics.resync('indicators', reason);
      event = computation.windowEvent(reason);
    }
    this.sentAt = computation.lastId;
    return event;
  }

  close(): void {
    this.stopListening();
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
  // Tail-only writes since the baseline touched only their tails' candles: the older ones are as the subscriber has them.
  const touched = Math.min(...read.entries.slice(1).map((e) => e.event.tail.time[0] ?? Infinity));
  const candidates = [
    Number.isFinite(touched) ? firstDifference(baseline.event.tail, tail, touched) : undefined,
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
