// Test support: an in-memory bus (one stream + one channel) behind the LiveSource face, so the live
// push's ordering rules can be checked exactly. Used by the unit tests beside it; not by the API.
import { compareStreamIds, type LiveGap, type LiveMessage, type SeriesEvent } from '@wick/cache';
import { emptyCandleColumns } from '@wick/market';
import type { LiveSource } from './live-source.ts';

/** A one-candle tail at minute `rev` with close `rev` (tests that need real tails build their own). */
export function event(rev: number, tailOnly = true): SeriesEvent {
  const tail = emptyCandleColumns(1);
  tail.time[0] = rev * 60_000;
  tail.close[0] = rev;
  return { rev, tail, tailOnly };
}

/** A stream of entries and a channel: publish appends and (unless `silent`) delivers. */
export class FakeBus {
  entries: LiveMessage<SeriesEvent>[] = [];
  trimmedBefore = 0;
  private seq = 0;
  private listener: ((m: LiveMessage<SeriesEvent>) => void) | null = null;
  private onGap: ((g: LiveGap) => void) | undefined;
  down = false;
  /** Calls of subscribe / replay so far (one follower per channel: one subscribe however many streams). */
  subscribes = 0;
  replays = 0;

  get subscribed(): boolean {
    return this.listener !== null;
  }

  publish(e: SeriesEvent, silent = false): string {
    const id = `1000-${this.seq++}`;
    const message = { id, event: e };
    this.entries.push(message);
    if (!silent) this.listener?.(message);
    return id;
  }

  gap(): void {
    this.onGap?.({ reason: 'resubscribed', lastId: undefined });
  }

  trim(keep: number): void {
    this.entries = this.entries.slice(-keep);
  }

  source(): LiveSource {
    return {
      subscribe: (async (_c: unknown, onMessage: (m: LiveMessage<SeriesEvent>) => void, options?: { onGap?: (g: LiveGap) => void }) => {
        this.subscribes += 1;
        this.listener = onMessage;
        this.onGap = options?.onGap;
        return { established: true, unsubscribe: async () => void (this.listener = null) };
      }) as unknown as LiveSource['subscribe'],
      replay: (async (_c: unknown, afterId: string | undefined, limit: number) => {
        this.replays += 1;
        if (this.down) return undefined;
        const oldestId = this.entries[0]?.id ?? null;
        const newestId = this.entries.at(-1)?.id ?? null;
        const after = afterId === undefined ? this.entries.slice(-limit) : this.entries.filter((e) => compareStreamIds(e.id, afterId) > 0);
        const entries = after.slice(0, limit);
        return {
          entries,
          oldestId,
          newestId,
          missed: afterId !== undefined && (oldestId === null || compareStreamIds(afterId, oldestId) < 0),
          more: afterId !== undefined && after.length > limit,
        };
      }) as unknown as LiveSource['replay'],
      readHead: async () => undefined,
    };
  }
}
