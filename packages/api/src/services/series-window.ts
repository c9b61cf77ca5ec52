import { candleOpenTime, INTERVAL_MS, type Interval } from '@wick/market';

export interface Series {
  symbol: string;
  interval: Interval;
}

/** A window of candles: the last `limit` up to `to` (default: the series' end), or the first `limit` from `from`. */
export interface Window {
  from?: number | undefined;
  to?: number | undefined;
  limit: number;
}

export function windowId(w: Window): string {
  return `${w.from ?? '-'}:${w.to ?? '-'}:${w.limit}`;
}

/** "Latest N" windows follow the series' end (up to `to`); `from` windows are anchored at their start. */
export function isLatestWindow(w: Window): boolean {
  return w.from === undefined;
}

/**
 * The open time of the first candle slot after `to`: the one candle a query bounded by this
 * instead of `to` may add, which tells whether the series already goes on past the window.
 */
export function slotAfter(interval: Interval, to: number): number {
  return candleOpenTime(interval, to) + INTERVAL_MS[interval];
}

/** Index of the first value ≥ `time` in ascending `times` (its length when there is none). */
export function firstAtOrAfter(times: ArrayLike<number>, time: number): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((times[mid] as number) < time) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of the first value > `time` in ascending `times` (its length when there is none). */
export function firstAfter(times: ArrayLike<number>, time: number): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((times[mid] as number) <= time) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
