import type { WickCache } from '@wick/cache';
import { isCandleOpen, type Interval } from '@wick/market';

/**
 * The open time of the window's still-open candle (its close time is after `nowMs`), or null when
 * every candle of the window has closed. Only the last candle can be open; its values (and the
 * indicator values at it) are provisional.
 */
export function openTimeOf(interval: Interval, times: ArrayLike<number>, nowMs: number = Date.now()): number | null {
  if (times.length === 0) return null;
  const last = times[times.length - 1] as number;
  return isCandleOpen(interval, last, nowMs) ? last : null;
}

/**
 * The TTL of a cached window, by its data rather than by the request: a window whose candles have
 * all closed is `historical` whatever its `to` (it can only change by a write through Wick, which
 * moves the head or the generation); only one that holds the open candle is `recent`. An empty
 * window is judged by the time it asks for (`to`, else now): candles may still arrive there.
 */
export function windowTtlSeconds(
  cache: Pick<WickCache, 'ttlFor'>,
  interval: Interval,
  times: ArrayLike<number>,
  to: number | undefined,
  nowMs: number = Date.now(),
): number {
  const toMs = times.length > 0 ? (times[times.length - 1] as number) : (to ?? nowMs);
  return cache.ttlFor(interval, { toMs, nowMs });
}
