import { compareStreamIds, type LiveMessage, type SeriesEvent } from '@wick/cache';
import { CANDLE_COLUMN_NAMES, isCandleOpen, type CandleColumns } from '@wick/market';
import type { CandleArrays, Series } from '../services/candles.ts';
import type { CandleChannel, ChannelMember, ChannelStep } from './candle-channel.ts';
import { candleDelta } from './candle-delta.ts';
import type { LiveFeed, LiveTarget } from './live-feed.ts';
import type { CandleLiveEvent } from './live-events.ts';
import type { LiveHub } from './live-hub.ts';
import { Notifier } from './notifier.ts';
import type { StreamLease } from './stream-slots.ts';
import { idBefore, NO_POSITION, publishedAtMs } from './stream-position.ts';

/**
 * Where a subscriber is: nothing sent yet; at a step of its channel (maybe behind the newest); or,
 * while it catches up from a lastEventId by itself, at a stream entry of its own reading.
 */
type Position = { kind: 'none' } | { kind: 'channel'; step: ChannelStep } | { kind: 'solo'; id: string; rev: number; tail: CandleColumns };

/** One event for this subscriber. */
export interface CandleDelivery {
  id: string;
  event: CandleLiveEvent;
  /** When the event entered its Valkey stream, for a live one (push latency); undefined otherwise. */
  publishedAt: number | undefined;
  /** Live messages this event superseded (latest wins). */
  coalesced: number;
}

const READ = Symbol('read the stream');

function arrays(c: CandleColumns): CandleArrays {
  const out = {} as CandleArrays;
  for (const name of CANDLE_COLUMN_NAMES) out[name] = Array.from(c[name]);
  return out;
}

/**
 * One candles.live stream as a member of its series' channel (candle-channel.ts). Pulled (next(),
 * the async iterator every caller gets) or pushed (run(target), what the SSE writer claims): when
 * pushed, in step with the channel and its target not backed up, the channel writes each step's
 * shared event to it directly. Otherwise it catches up when it can take more: from its channel
 * position to the newest step in one event (latest wins), or — resuming after a lastEventId — by
 * reading the stream itself, one event per missed entry, until it reaches the channel's position.
 * It holds no events of its own: a position, a replay batch while catching up.
 */
export class CandleSubscriber implements ChannelMember, LiveFeed<CandleLiveEvent> {
  private channel: CandleChannel | null = null;
  private position: Position = { kind: 'none' };
  /** The id to resume after, until the first read. */
  private resumeFrom: string | undefined;
  /** Entries read from the stream, not yet handed out (solo). */
  private queue: LiveMessage<SeriesEvent>[] = [];
  /** The stream holds entries after the solo position that were not read yet. */
  private readMore = false;
  /** The entries after this subscriber's position are gone: the next event is a resync. */
  private mustResync = false;
  private target: LiveTarget<CandleLiveEvent> | null = null;
  private writable = true;
  private driver: 'pull' | 'push' | null = null;
  private readonly notifier = new Notifier();
  private opened = false;
  private closed = false;

  constructor(
    private readonly hub: LiveHub,
    private readonly lease: StreamLease,
    readonly series: Series,
    lastEventId: string | undefined,
  ) {
    this.resumeFrom = lastEventId;
  }

  /** Joins the series' channel (subscribing it if this is its first member). */
  async open(): Promise<void> {
    if (this.opened || this.closed) return;
    this.opened = true;
    this.hub.metrics.streamOpened('candles');
    const channel = this.hub.candleChannel(this.series);
    this.channel = channel;
    channel.join(this);
    await channel.ready;
  }

  /** The next event (pulled); undefined once the stream ended. */
  async next(): Promise<CandleDelivery | undefined> {
    this.drive('pull');
    const signal = this.lease.signal;
    for (;;) {
      if (signal.aborted || this.closed) return undefined;
      const out = this.poll();
      if (out === READ) await this.read(signal);
      else if (out) return this.counted(out);
      else await this.notifier.wait(signal);
    }
  }

  async run(target: LiveTarget<CandleLiveEvent>): Promise<void> {
    this.drive('push');
    this.target = target;
    const signal = this.lease.signal;
    try {
      await this.open();
      for (;;) {
        if (signal.aborted || this.closed) break;
        if (!this.writable) {
          await this.notifier.wait(signal);
          continue;
        }
        const out = this.poll();
        if (out === READ) await this.read(signal);
        else if (out) this.writable = target.send(out.id, this.counted(out).event);
        else await this.notifier.wait(signal);
      }
      this.lease.throwIfEnded();
    } finally {
      await this.close();
    }
  }

  resume(): void {
    if (this.writable) return;
    this.writable = true;
    this.notifier.notify();
  }

  /** The channel's fast path: in step, pushed and not backed up → write the step's shared event now. */
  onStep(step: ChannelStep, previous: ChannelStep | null): boolean {
    const at = this.position;
    if (this.target && this.writable && previous !== null && at.kind === 'channel' && at.step === previous) {
      this.position = { kind: 'channel', step };
      const event = this.channel!.eventSince(previous);
      if (!event) return false;
      this.writable = this.target.send(step.id ?? NO_POSITION, event);
      return true;
    }
    this.notifier.notify();
    return false;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.notifier.notify();
    if (this.opened) this.hub.metrics.streamClosed('candles');
    this.lease.release();
    await this.channel?.leave(this);
  }

  private drive(how: 'pull' | 'push'): void {
    if (this.driver !== null && this.driver !== how) throw new Error(`this candles.live stream is already ${this.driver}ed`);
    this.driver = how;
  }

  private counted(out: CandleDelivery): CandleDelivery {
    const metrics = this.hub.metrics;
    metrics.coalesced('candles', out.coalesced);
    if (out.event.type === 'resync') metrics.resync('candles', 'replay_window');
    metrics.delivered('candles', out.publishedAt);
    return out;
  }

  /** What is owed now: an event, READ (the stream must be read first), or undefined (nothing until the next step). */
  private poll(): CandleDelivery | typeof READ | undefined {
    const channel = this.channel!;
    for (;;) {
      const latest = channel.latest;
      const at = this.position;
      if (this.mustResync) {
        if (!latest) return undefined;
        this.mustResync = false;
        this.queue = [];
        this.readMore = false;
        this.position = { kind: 'channel', step: latest };
        return { id: latest.id ?? NO_POSITION, event: channel.resyncEvent(), publishedAt: undefined, coalesced: 0 };
      }
      if (at.kind === 'none') {
        if (this.resumeFrom !== undefined) return READ;
        if (!latest) return undefined;
        this.position = { kind: 'channel', step: latest };
        return { id: latest.id ?? NO_POSITION, event: channel.eventSince(null)!, publishedAt: undefined, coalesced: 0 };
      }
      if (at.kind === 'solo') {
        const entry = this.queue.shift();
        if (entry) {
          const out = this.takeEntry(at, entry);
          if (out) return out;
          continue;
        }
        if (this.readMore) return READ;
        if (latest?.id !== undefined) {
          const order = compareStreamIds(latest.id, at.id);
          // Caught up with the channel: from now on in step with it.
          if (order === 0) this.position = { kind: 'channel', step: latest };
          else if (order > 0) this.readMore = true;
          if (order >= 0) continue;
        }
        return undefined; // ahead of the channel (it has not taken this entry yet): wait for its next step
      }
      if (!latest || latest === at.step) return undefined;
      const event = channel.eventSince(at.step);
      const coalesced = latest.covered - at.step.covered - 1;
      this.position = { kind: 'channel', step: latest };
      if (!event) {
        this.hub.metrics.coalesced('candles', coalesced + 1);
        continue;
      }
      const publishedAt = latest.via === 'live' && latest.id !== undefined ? publishedAtMs(latest.id) : undefined;
      return { id: latest.id ?? NO_POSITION, event, publishedAt, coalesced };
    }
  }

  /** One entry read from the stream after the solo position: the candles that changed since, or nothing (older by rev, or no change). */
  private takeEntry(at: Extract<Position, { kind: 'solo' }>, entry: LiveMessage<SeriesEvent>): CandleDelivery | undefined {
    if (compareStreamIds(entry.id, at.id) <= 0) return undefined;
    const { rev, tail, tailOnly } = entry.event;
    if (rev <= at.rev) {
      // A snapshot older than one taken (publishes of racing writers): skipped.
      this.position = { ...at, id: entry.id };
      return undefined;
    }
    const intact = tailOnly && rev === at.rev + 1;
    const { changed, hole } = candleDelta(at.tail, tail, this.series.interval);
    this.position = { kind: 'solo', id: entry.id, rev, tail };
    const reload = hole || !intact;
    if (changed.time.length === 0 && !reload) return undefined;
    const last = changed.time.at(-1);
    const event: CandleLiveEvent = {
      type: 'update',
      symbol: this.series.symbol,
      interval: this.series.interval,
      rev,
      candles: arrays(changed),
      openTime: last !== undefined && isCandleOpen(this.series.interval, last) ? last : null,
      reload,
    };
    return { id: entry.id, event, publishedAt: undefined, coalesced: 0 };
  }

  /** Reads the stream: the entry resumed after and those missed since, or the next batch after the solo position. */
  private async read(signal: AbortSignal): Promise<void> {
    const source = this.hub.source;
    const channel = { kind: 'series' as const, series: this.series };
    const { replayBatch, retryMs } = this.hub.config;
    if (this.position.kind === 'none') {
      const resumeFrom = this.resumeFrom!;
      const before = idBefore(resumeFrom);
      const read = before === undefined ? undefined : await source.replay(channel, before, replayBatch);
      if (before !== undefined && !read) return void (await this.notifier.wait(signal, retryMs));
      this.resumeFrom = undefined;
      const [baseline, ...missed] = read?.entries ?? [];
      if (!baseline || baseline.id !== resumeFrom) {
        this.mustResync = true;
        return;
      }
      this.position = { kind: 'solo', id: baseline.id, rev: baseline.event.rev, tail: baseline.event.tail };
      this.queue = missed;
      this.readMore = read!.more;
      return;
    }
    if (this.position.kind !== 'solo') return;
    const read = await source.replay(channel, this.position.id, replayBatch);
    if (!read) return void (await this.notifier.wait(signal, retryMs));
    if (read.missed) {
      this.mustResync = true;
      return;
    }
    this.queue = read.entries;
    this.readMore = read.more;
  }
}
