/** Candle intervals Wick stores. 1m is the source of truth; the others are roll-ups of it. */
export const INTERVALS = ['1m', '5m', '15m', '1h', '4h', '1d'] as const;
export type Interval = (typeof INTERVALS)[number];

const MINUTE = 60_000;
export const INTERVAL_MS: Readonly<Record<Interval, number>> = Object.freeze({
  '1m': MINUTE,
  '5m': 5 * MINUTE,
  '15m': 15 * MINUTE,
  '1h': 60 * MINUTE,
  '4h': 240 * MINUTE,
  '1d': 1440 * MINUTE,
});

/** The intervals derived from 1m, finest first. */
export const ROLLUP_INTERVALS: readonly Exclude<Interval, '1m'>[] = Object.freeze(['5m', '15m', '1h', '4h', '1d'] as const);

export function isInterval(value: unknown): value is Interval {
  return typeof value === 'string' && (INTERVALS as readonly string[]).includes(value);
}

/**
 * Open time of the candle of `interval` that contains `ms`. Buckets are aligned to the Unix epoch
 * in UTC, as Binance aligns them: 1d at 00:00 UTC, 4h at 00/04/…/20 UTC.
 */
export function candleOpenTime(interval: Interval, ms: number): number {
  const width = INTERVAL_MS[interval];
  return Math.floor(ms / width) * width;
}

/** A candle is open while its close time (open + width) is after `nowMs`. */
export function isCandleOpen(interval: Interval, openTime: number, nowMs: number = Date.now()): boolean {
  return openTime + INTERVAL_MS[interval] > nowMs;
}
