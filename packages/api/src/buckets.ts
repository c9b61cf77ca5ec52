import { INTERVAL_MS, INTERVALS, type Interval } from '@wick/market';

/** Summary buckets are the candle intervals, so a summary's bars line up with a chart's candles. */
export const BUCKETS = INTERVALS;
export type Bucket = Interval;

/** The most buckets one liquidations.summary answers (the user-facing limit, not db's own guard). */
export const MAX_BUCKETS_PER_SUMMARY = 2000;

export class TooManyBucketsError extends Error {
  constructor(
    readonly count: number,
    readonly suggestion: Bucket | null,
  ) {
    super(
      `The range spans ${count} buckets; at most ${MAX_BUCKETS_PER_SUMMARY} per summary. ` +
        (suggestion ? `Use bucket "${suggestion}" or a shorter range.` : 'Use a shorter range.'),
    );
    this.name = 'TooManyBucketsError';
  }
}

/** UTC-aligned buckets that `from..to` touches, both ends included. */
export function bucketCount(bucket: Bucket, from: number, to: number): number {
  const ms = INTERVAL_MS[bucket];
  return Math.floor(to / ms) - Math.floor(from / ms) + 1;
}

/** The finest bucket that fits `from..to` in MAX_BUCKETS_PER_SUMMARY, no finer than `atLeast`. */
export function fittingBucket(from: number, to: number, atLeast: Bucket = '1m'): Bucket | null {
  for (const b of BUCKETS.slice(BUCKETS.indexOf(atLeast))) {
    if (bucketCount(b, from, to) <= MAX_BUCKETS_PER_SUMMARY) return b;
  }
  return null;
}
