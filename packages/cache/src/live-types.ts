import type { CandleColumns } from '@wick/market';
import type { SeriesRef } from './keys.ts';

/**
 * What ingest publishes for each series a committed write touched: a snapshot of the tail after the
 * write, so a newer event supersedes every older one (writes of a series serialize: rev r+1's tail
 * includes rev r's effect).
 */
export interface SeriesEvent {
  rev: number;
  /** The last candles of the series after the write, ascending; the last one is provisional. */
  tail: CandleColumns;
  /** Every candle the write touched was at or after the series' last candle before it. */
  tailOnly: boolean;
}

/** A series' channel: stream `…:{SYM:iv}:events`, sharded channel `…:{SYM:iv}:live`. */
export interface SeriesChannel {
  kind: 'series';
  series: SeriesRef;
}

/** A global channel, e.g. `{ kind: 'global', name: 'liq' }`: stream `…:{liq}:events`, channel `…:{liq}:live`. */
export interface GlobalChannel {
  kind: 'global';
  name: string;
}

export type LiveChannel = SeriesChannel | GlobalChannel;

/** A series channel carries SeriesEvent; a global one the JSON value that was published (unchecked). */
export type LiveEventOf<C extends LiveChannel> = C extends SeriesChannel ? SeriesEvent : unknown;

export interface LiveMessage<E> {
  /** The stream entry id ("<ms>-<seq>"): increasing per channel, the id to track and dedupe by. */
  id: string;
  /** Shared by every local subscriber of the channel: treat it as read-only. */
  event: E;
}

/**
 * This process may have missed messages of a channel: `resubscribed` — its upstream subscription was
 * lost (failover, reconnect) and is back; `sequence` — a message arrived whose predecessor in the
 * stream was not delivered here. Replay from your own last id (replay()) and dedupe by id.
 */
export interface LiveGap {
  reason: 'resubscribed' | 'sequence';
  /** The last id this process delivered on the channel before the gap (undefined: none yet). */
  lastId: string | undefined;
}

export interface SubscribeOptions {
  onGap?: (gap: LiveGap) => void;
}

export interface LiveSubscription {
  /** Leaves the channel; the upstream subscription is released with the channel's last local subscriber. */
  unsubscribe(): Promise<void>;
  /**
   * Whether the upstream subscription was confirmed when subscribe returned. If not (Valkey down or
   * slow), it is retried in the background and `onGap('resubscribed')` fires once it is in place.
   */
  readonly established: boolean;
}

export interface ReplayResult<E> {
  /** Ascending by id. Entries whose payload does not decode are left out. */
  entries: LiveMessage<E>[];
  /** The oldest / newest entry the stream holds; null when it holds none. */
  oldestId: string | null;
  newestId: string | null;
  /**
   * True when entries after `afterId` may be gone: it is older than the oldest entry held (trimmed
   * beyond MAXLEN) or the stream is empty (lost). The caller must resync instead of replaying.
   */
  missed: boolean;
  /** The limit was reached: more entries follow the last one returned (replay again from its id). */
  more: boolean;
}

export interface LiveStats {
  /** Channels this process holds an upstream sharded subscription for (one per channel). */
  upstreamSubscriptions: number;
  /** Local subscribers over all channels. */
  localSubscribers: number;
  /** Messages that reached this process from Valkey. */
  received: number;
  /** Messages handed to local subscribers (once per message, however many subscribers). */
  delivered: number;
  /** Messages dropped at once: no local subscriber for their channel (any more). */
  dropped: number;
  /** Messages whose frame or payload did not decode. */
  malformed: number;
  gaps: number;
  /** Times the pub/sub connection was replaced because subscriptions stayed lost (see RECONNECT_EVERY_CHECKS). */
  reconnects: number;
  published: number;
  /** Publishes that could not reach Valkey (breaker open, shed, failed). */
  publishFailed: number;
}
