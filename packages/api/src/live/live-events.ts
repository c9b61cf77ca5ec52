import type { Interval, LiquidationRow } from '@wick/market';
import type { CandleArrays } from '../services/candles.ts';

/**
 * candles.live events (tracked: the SSE id is the event's stream id, resume with it).
 * - snapshot: the series' last candles when the stream opened;
 * - update: only the candles that changed since the last event this stream sent (the open candle's
 *   new values, newly closed candles), ascending;
 * - resync: the events after the given lastEventId are no longer in the replay window (or this
 *   stream fell too far behind): the series' last candles now.
 * `reload`: candles older than the first one here may have changed (a correction or a backfill, a
 * lost write, a resync): read them again with candles.range. `openTime`: the open time of the
 * still-open candle if these candles hold it (its values are provisional), else null.
 */
export interface CandleLiveEvent {
  type: 'snapshot' | 'update' | 'resync';
  symbol: string;
  interval: Interval;
  /** The series' write revision this event brings the subscriber to. */
  rev: number;
  candles: CandleArrays;
  openTime: number | null;
  reload: boolean;
}

/**
 * indicators.live events.
 * - window: the whole window, as indicators.compute answers it (first event, and after a resync);
 * - update: the values that changed, at the candles `time` lists (ascending; replace those you hold,
 *   append the new ones and drop the oldest so the window keeps `limit` values).
 */
export interface IndicatorWindowEvent {
  type: 'window';
  symbol: string;
  interval: Interval;
  indicator: string;
  params: Record<string, unknown>;
  limit: number;
  rev: number | null;
  time: number[];
  values: Record<string, (number | null)[]>;
  openTime: number | null;
  /** Why this window was sent again after the first: history changed, the replay window did not reach back, or the stream fell behind. */
  resync: 'replay_window' | 'queue_full' | 'history_changed' | null;
}

export interface IndicatorUpdateEvent {
  type: 'update';
  rev: number;
  time: number[];
  values: Record<string, (number | null)[]>;
  openTime: number | null;
}

export type IndicatorLiveEvent = IndicatorWindowEvent | IndicatorUpdateEvent;

/**
 * indicators.liveMany events: one indicator's event (as indicators.live sends it), naming which
 * one — `item`, its index in the subscription's `items`. Every item's window comes first.
 */
export interface IndicatorManyEvent {
  item: number;
  indicator: string;
  event: IndicatorLiveEvent;
}

/**
 * liquidations.live events: first (unless resuming) a position — the stream's end when it opened,
 * with nothing to show: its tracked id lets a stream cut before any liquidation resume without a
 * gap —, then one per new matching liquidation (with its USD value), or a resync when
 * the events after lastEventId are gone or this stream fell too far behind — `latest` holds the
 * newest matching ones still in the window (newest last); older ones: liquidations.list.
 */
export type LiquidationLiveEvent =
  | { type: 'position' }
  | { type: 'liquidation'; liquidation: LiquidationRow }
  | { type: 'resync'; reason: 'replay_window' | 'queue_full'; latest: LiquidationRow[] };
