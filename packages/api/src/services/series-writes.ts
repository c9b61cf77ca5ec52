import type { WickCache } from '@wick/cache';
import type { CandleColumns, Interval } from '@wick/market';

/** What a committed candle write did to one series (the db's report, per series it changed). */
export interface SeriesWrite {
  interval: Interval;
  /** The series' revision after the write: consecutive per series, in commit order. */
  rev: number;
  /** Every candle it touched was at or after the series' last candle before it. */
  tailOnly: boolean;
  /** The series' last candles after the write, ascending; the last one is provisional. */
  tail: CandleColumns;
}

/**
 * Makes committed writes visible before the caller answers, per series: a tail-only write moves
 * the head (cached "latest N" results advance from its tail); any other write — a correction, a
 * backfill — bumps the generation first (cached results of the series are dropped), then moves
 * the head. With append-aware results off every write bumps the generation, as readers then
 * never look at the head. Then the write is published on the series' live channel (a snapshot of
 * its tail: a newer event supersedes older ones). Series run in parallel: each has its own slot.
 */
export async function publishSeriesWrites(
  cache: WickCache,
  symbol: string,
  writes: readonly SeriesWrite[],
  appendAware: boolean,
): Promise<void> {
  await Promise.all(
    writes.map(async (write) => {
      const series = { symbol, interval: write.interval };
      if (!write.tailOnly || !appendAware) await cache.invalidateSeries(series);
      await cache.advanceHead(series, { rev: write.rev, tail: write.tail });
      await cache.publishSeries(series, { rev: write.rev, tail: write.tail, tailOnly: write.tailOnly });
    }),
  );
}
