import { CANDLE_COLUMN_NAMES, isCandleOpen, type CandleColumns } from '@wick/market';
import type { CandleArrays, Series } from '../services/candles.ts';
import { candleDelta } from './candle-delta.ts';
import type { CandleLiveEvent } from './live-events.ts';
import type { LiveMetrics } from './live-metrics.ts';
import type { SeriesFollower } from './series-follower.ts';
import { SharedEvents } from './shared-events.ts';
import { publishedAtMs } from './stream-position.ts';

/** One step of a channel as its follower took it, numbered in order (seq 1 is the first). */
export interface ChannelStep {
  seq: number;
  /** Stream id of the newest entry this step covers (undefined: the series head, nothing in the stream). */
  id: string | undefined;
  via: 'snapshot' | 'live' | 'replay' | 'resync';
  rev: number;
  /** The series' last candles (the bus's own arrays: read-only). */
  tail: CandleColumns;
  /** Live messages superseded before this step was taken (latest wins). */
  coalesced: number;
  /** Messages covered by this step and every one before it on this channel: the difference of two is what a subscriber skipped. */
  covered: number;
}

/** A subscriber of a channel, told of every step synchronously and in order. */
export interface ChannelMember {
  /** True when it wrote the step's shared event (the fast path); otherwise it catches up by itself. */
  onStep(step: ChannelStep, previous: ChannelStep | null): boolean;
}

export interface CandleChannelDeps {
  follower: SeriesFollower;
  metrics: LiveMetrics;
  /** Called once the channel stopped (its last member left, or its start failed): the hub forgets it. */
  onClosed: () => void;
}

function arrays(c: CandleColumns): CandleArrays {
  const out = {} as CandleArrays;
  for (const name of CANDLE_COLUMN_NAMES) out[name] = Array.from(c[name]);
  return out;
}

/**
 * candles.live of one series in one process: ONE follower (one upstream subscription, one replay
 * after a gap) however many streams watch, and the events built once per step. Each step is handed
 * to every member synchronously; a member at the previous step whose stream can take it writes the
 * one shared event (so a writer serializes it once for all); any other member — its socket backed
 * up, its reader not pulling, still catching up from a lastEventId — later asks for the event from
 * where it is to the newest step, shared by every member at that same position (latest wins; a
 * lost step or a rewritten history since says reload, a resync since is a resync).
 */
export class CandleChannel {
  /** The newest step (null until the follower took one). */
  latest: ChannelStep | null = null;
  private seq = 0;
  /** The newest step whose history before its tail may have changed (not intact); 0: none. */
  private lastBrokenSeq = 0;
  /** The newest resync step; 0: none. */
  private lastResyncSeq = 0;
  private readonly members = new Set<ChannelMember>();
  /** Events from a position to the newest step, keyed by the two seqs: members at one position share one. */
  private readonly events = new SharedEvents<CandleLiveEvent | null>(64);
  private readonly stopped = new AbortController();
  private loop: Promise<void> | null = null;
  private closed = false;
  /** Resolves once the follower is subscribed (rejects with its error; the channel is then closed). */
  readonly ready: Promise<void>;

  constructor(
    readonly series: Series,
    private readonly deps: CandleChannelDeps,
  ) {
    this.ready = this.start();
    // A failed start is reported to every member through ready; nobody else awaits it.
    this.ready.catch(() => undefined);
  }

  get size(): number {
    return this.members.size;
  }

  join(member: ChannelMember): void {
    this.members.add(member);
  }

  /** Leaves; the channel stops (unsubscribes) with its last member. */
  async leave(member: ChannelMember): Promise<void> {
    this.members.delete(member);
    if (this.members.size === 0) await this.close();
  }

  /**
   * What a member at `from` (null: nothing sent yet) is owed to reach the newest step: a snapshot
   * for a new member, else an update with the candles that changed (reload when a step since was
   * not intact or more candles were appended than a tail holds), or a resync when the follower had
   * to resync since; null when nothing changed. The same object for every member at `from`.
   */
  eventSince(from: ChannelStep | null): CandleLiveEvent | null {
    const to = this.latest!;
    return this.events.get(`${from?.seq ?? 0}|${to.seq}`, () => this.build(from, to));
  }

  /** The event that replaces missed entries with the current state (a resync of the newest step); one object per step. */
  resyncEvent(): CandleLiveEvent {
    const to = this.latest!;
    return this.events.get(`resync|${to.seq}`, () => this.full(to, 'resync'))!;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.stopped.abort();
    this.deps.onClosed();
    await this.deps.follower.close();
    await this.loop;
  }

  private async start(): Promise<void> {
    try {
      await this.deps.follower.open();
    } catch (err) {
      await this.close();
      throw err;
    }
    if (this.closed) return;
    this.loop = this.follow();
  }

  private async follow(): Promise<void> {
    const signal = this.stopped.signal;
    for (;;) {
      const taken = await this.deps.follower.next(signal);
      if (!taken || this.closed) return;
      if (taken.via === 'baseline') continue; // only a resuming follower has one; this one opens fresh
      const previous = this.latest;
      const step: ChannelStep = {
        seq: ++this.seq,
        id: taken.id,
        via: taken.via,
        rev: taken.event.rev,
        tail: taken.event.tail,
        coalesced: taken.coalesced,
        covered: (previous?.covered ?? 0) + 1 + taken.coalesced,
      };
      this.latest = step;
      if (!taken.intact) this.lastBrokenSeq = step.seq;
      if (step.via === 'resync') this.lastResyncSeq = step.seq;
      this.fanOut(step, previous);
    }
  }

  /** Hands the step to every member; counts the fast-path writes once for all of them. */
  private fanOut(step: ChannelStep, previous: ChannelStep | null): void {
    let wrote = 0;
    for (const member of this.members) if (member.onStep(step, previous)) wrote += 1;
    if (wrote === 0) return;
    const event = this.eventSince(previous);
    if (event?.type === 'resync') this.deps.metrics.resync('candles', 'replay_window', wrote);
    this.deps.metrics.coalesced('candles', step.coalesced * wrote);
    this.deps.metrics.delivered('candles', step.via === 'live' && step.id ? publishedAtMs(step.id) : undefined, wrote);
  }

  private build(from: ChannelStep | null, to: ChannelStep): CandleLiveEvent | null {
    if (from === null) return this.full(to, 'snapshot');
    if (from.seq === to.seq) return null;
    if (this.lastResyncSeq > from.seq) return this.full(to, 'resync');
    const { changed, hole } = candleDelta(from.tail, to.tail, this.series.interval);
    const reload = hole || this.lastBrokenSeq > from.seq;
    if (changed.time.length === 0 && !reload) return null;
    return { ...this.base(to), type: 'update', candles: arrays(changed), openTime: this.openTimeOf(changed), reload };
  }

  private full(to: ChannelStep, type: 'snapshot' | 'resync'): CandleLiveEvent {
    return { ...this.base(to), type, candles: arrays(to.tail), openTime: this.openTimeOf(to.tail), reload: type === 'resync' };
  }

  private base(to: ChannelStep): Pick<CandleLiveEvent, 'symbol' | 'interval' | 'rev'> {
    return { symbol: this.series.symbol, interval: this.series.interval, rev: to.rev };
  }

  private openTimeOf(candles: CandleColumns): number | null {
    const last = candles.time.at(-1);
    return last !== undefined && isCandleOpen(this.series.interval, last) ? last : null;
  }
}
