import { compareStreamIds, type LiveMessage, type LiveSubscription, type SeriesChannel, type SeriesEvent } from '@wick/cache';
import type { LiveSource } from './live-source.ts';
import { Notifier } from './notifier.ts';
import { idBefore } from './stream-position.ts';

/**
 * One step of a series as a follower hands it out, in stream order. Events are snapshots of the
 * series' tail (a newer one includes every older one's effect), so a step may stand for several
 * entries: live messages that arrived while the consumer was busy are merged into the newest.
 */
export interface SeriesStep {
  /**
   * snapshot: the newest entry when a fresh follower opened · baseline: the entry a resuming
   * follower resumes after (the consumer's own state, not new) · live / replay: new entries ·
   * resync: the entries after the consumer's position are gone from the stream (older than its
   * MAXLEN, or lost), this is the current state.
   */
  via: 'snapshot' | 'baseline' | 'live' | 'replay' | 'resync';
  /** Stream id of the newest entry this step covers (undefined: a resync from the head, the stream being empty). */
  id: string | undefined;
  event: SeriesEvent;
  /**
   * False when history before this tail may have changed since the previous step: a write that was
   * not tail-only, a rev that never arrived (its publish failed), or a resync.
   */
  intact: boolean;
  /** Live messages this step superseded before the consumer took it. */
  coalesced: number;
}

export interface FollowerOptions {
  /** Stream entries per replay call. */
  replayBatch: number;
  /** Wait between replay attempts while Valkey cannot answer. */
  retryMs: number;
}

/**
 * Follows a series channel for ONE consumer: subscribes first, then reads the stream, so nothing
 * published in between is lost; afterwards live messages are the fast path and the stream is the
 * truth. Any doubt (a gap signal from the bus, a live message while a replay runs) makes it read the
 * stream again after the newest entry it has taken. Entries are taken once, in id order; snapshots
 * older by rev than one already taken (publishes of concurrent writers racing) are skipped.
 * Memory is constant: one pending live message, one replay batch.
 */
export class SeriesFollower {
  private subscription: LiveSubscription | null = null;
  private readonly notifier = new Notifier();
  /** The newest entry id taken (delivered or skipped). */
  private highWater: string | undefined;
  /** The newest rev taken. */
  private seenRev: number | undefined;
  /** Whether everything since the last step was tail-only and rev-contiguous. */
  private pendingIntact = true;
  private latest: LiveMessage<SeriesEvent> | null = null;
  private latestCoalesced = 0;
  private replayed: LiveMessage<SeriesEvent>[] = [];
  private needReplay = false;
  private replaying = false;
  /** A resuming follower's first read: the entry it resumes after must still be in the stream. */
  private resumeFrom: string | undefined;
  private opening: 'snapshot' | 'resume' | null = null;
  /** The entries after highWater are gone: the next read is a resync. */
  private mustResync = false;
  private closed = false;

  constructor(
    private readonly source: LiveSource,
    readonly channel: SeriesChannel,
    private readonly options: FollowerOptions,
  ) {}

  /** Subscribes; resumes after `lastId` if given, else starts from the newest entry (a snapshot step). */
  async open(lastId?: string): Promise<void> {
    this.resumeFrom = lastId;
    this.opening = lastId === undefined ? 'snapshot' : 'resume';
    this.needReplay = true;
    this.subscription = await this.source.subscribe(this.channel, (m) => this.onLive(m), { onGap: () => this.onDoubt() });
    if (this.closed) await this.subscription.unsubscribe();
  }

  /** The next step, or undefined once `signal` aborts or the follower is closed. */
  async next(signal: AbortSignal): Promise<SeriesStep | undefined> {
    while (!signal.aborted && !this.closed) {
      const replayed = this.replayed.shift();
      if (replayed) {
        const step = this.take(replayed, 'replay', 0);
        if (step) return step;
        continue;
      }
      if (this.latest) {
        // Older than anything a replay could return: hand it out first.
        const message = this.latest;
        const coalesced = this.latestCoalesced;
        this.latest = null;
        this.latestCoalesced = 0;
        const step = this.take(message, 'live', coalesced);
        if (step) return step;
        continue;
      }
      if (this.needReplay) {
        const step = await this.readStream(signal);
        if (step) return step;
        continue;
      }
      await this.notifier.wait(signal);
    }
    return undefined;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.notifier.notify();
    await this.subscription?.unsubscribe();
  }

  private onLive(message: LiveMessage<SeriesEvent>): void {
    if (this.highWater !== undefined && compareStreamIds(message.id, this.highWater) <= 0) return;
    if (this.replaying || this.needReplay || this.opening !== null || this.replayed.length > 0) {
      // The stream holds it too: the next read after the newest taken entry returns it, in order.
      this.needReplay = true;
      this.notifier.notify();
      return;
    }
    if (this.latest) this.latestCoalesced += 1;
    this.absorbLive(message);
    this.notifier.notify();
  }

  private onDoubt(): void {
    this.needReplay = true;
    this.notifier.notify();
  }

  /** A live message taken at arrival: its flags count now, its content waits as the pending latest. */
  private absorbLive(message: LiveMessage<SeriesEvent>): void {
    this.highWater = message.id;
    if (this.absorb(message.event)) this.latest = message;
  }

  /** Rev bookkeeping; false for a snapshot older than one already taken. */
  private absorb(event: SeriesEvent): boolean {
    if (this.seenRev !== undefined && event.rev <= this.seenRev) return false;
    if (this.seenRev !== undefined && event.rev > this.seenRev + 1) this.pendingIntact = false;
    if (!event.tailOnly) this.pendingIntact = false;
    this.seenRev = event.rev;
    return true;
  }

  private take(message: LiveMessage<SeriesEvent>, via: SeriesStep['via'], coalesced: number): SeriesStep | undefined {
    if (via === 'replay') {
      if (this.highWater !== undefined && compareStreamIds(message.id, this.highWater) <= 0) return undefined;
      this.highWater = message.id;
      if (!this.absorb(message.event)) return undefined;
    }
    const step: SeriesStep = { via, id: message.id, event: message.event, intact: this.pendingIntact, coalesced };
    this.pendingIntact = true;
    return step;
  }

  /** One read of the stream: the opening snapshot or baseline, a batch of missed entries, or a resync. */
  private async readStream(signal: AbortSignal): Promise<SeriesStep | undefined> {
    this.needReplay = false;
    this.replaying = true;
    try {
      if (this.opening === 'snapshot') return await this.openWithSnapshot(signal);
      if (this.opening === 'resume') return await this.openWithBaseline(signal);
      if (this.mustResync) return await this.resync(signal);
      const afterId = this.highWater;
      const read = await this.source.replay(this.channel, afterId, afterId === undefined ? 1 : this.options.replayBatch);
      if (!read) return await this.retryLater(signal);
      if (afterId !== undefined && read.missed) return await this.resync(signal);
      if (read.more) this.needReplay = true;
      this.replayed = read.entries;
      return undefined;
    } finally {
      this.replaying = false;
    }
  }

  private async openWithSnapshot(signal: AbortSignal): Promise<SeriesStep | undefined> {
    const read = await this.source.replay(this.channel, undefined, 1);
    if (!read) return this.retryLater(signal);
    const newest = read.entries[0];
    if (!newest) {
      // Nothing published since the stream was created (or it was lost): the head, if any, is the state.
      const head = await this.source.readHead(this.channel.series);
      this.opening = null;
      if (!head) return undefined;
      this.seenRev = head.rev;
      return { via: 'snapshot', id: undefined, event: { rev: head.rev, tail: head.tail, tailOnly: true }, intact: true, coalesced: 0 };
    }
    this.opening = null;
    this.highWater = newest.id;
    this.seenRev = newest.event.rev;
    this.pendingIntact = true;
    return { via: 'snapshot', id: newest.id, event: newest.event, intact: true, coalesced: 0 };
  }

  private async openWithBaseline(signal: AbortSignal): Promise<SeriesStep | undefined> {
    const resumeFrom = this.resumeFrom!;
    const before = idBefore(resumeFrom);
    const read = before === undefined ? undefined : await this.source.replay(this.channel, before, this.options.replayBatch);
    if (before !== undefined && !read) return this.retryLater(signal);
    this.opening = null;
    const [baseline, ...missed] = read?.entries ?? [];
    if (!baseline || baseline.id !== resumeFrom) return this.resync(signal);
    this.highWater = baseline.id;
    this.seenRev = baseline.event.rev;
    this.pendingIntact = true;
    this.replayed = missed;
    if (read!.more) this.needReplay = true;
    return { via: 'baseline', id: baseline.id, event: baseline.event, intact: true, coalesced: 0 };
  }

  /** The current state instead of the lost entries: the newest entry, or the series head if the stream is empty. */
  private async resync(signal: AbortSignal): Promise<SeriesStep | undefined> {
    this.mustResync = true;
    this.replayed = [];
    const read = await this.source.replay(this.channel, undefined, 1);
    if (!read) return this.retryLater(signal);
    this.mustResync = false;
    const newest = read.entries[0];
    if (newest) {
      this.highWater = newest.id;
      this.seenRev = newest.event.rev;
      this.pendingIntact = true;
      return { via: 'resync', id: newest.id, event: newest.event, intact: false, coalesced: 0 };
    }
    const head = await this.source.readHead(this.channel.series);
    if (!head) return undefined; // nothing was ever published or stored: nothing to catch up with
    this.seenRev = head.rev;
    this.pendingIntact = true;
    return { via: 'resync', id: undefined, event: { rev: head.rev, tail: head.tail, tailOnly: false }, intact: false, coalesced: 0 };
  }

  private async retryLater(signal: AbortSignal): Promise<undefined> {
    this.needReplay = true;
    await this.notifier.wait(signal, this.options.retryMs);
    return undefined;
  }
}
