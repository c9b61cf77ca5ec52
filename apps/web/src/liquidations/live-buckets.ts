import { candleOpenTime, type Interval } from '@wick/market';
import type { LiveLiquidation } from '../live/index.ts';
import type { SummaryBucket } from './markers.ts';

/**
 * The summary's buckets plus the live rows of this symbol it cannot hold yet: those received after
 * it was read (an ingest answers after it dropped the cached summaries, so a later read includes them).
 */
export function addLive(
  buckets: readonly SummaryBucket[],
  rows: readonly LiveLiquidation[],
  symbol: string | null,
  interval: Interval,
  from: number,
  readAt: number,
): SummaryBucket[] {
  const byTime = new Map(buckets.map((b) => [b.bucket, { ...b }]));
  for (const { row, receivedAt } of rows) {
    if (row.symbol !== symbol || receivedAt <= readAt || row.orderTradeTime < from) continue;
    const at = candleOpenTime(interval, row.orderTradeTime);
    const b = byTime.get(at) ?? { bucket: at, longUsd: 0, shortUsd: 0, longCount: 0, shortCount: 0 };
    // SELL orders liquidate longs, BUY orders shorts.
    if (row.side === 'SELL') {
      b.longUsd += Number(row.usd);
      b.longCount += 1;
    } else {
      b.shortUsd += Number(row.usd);
      b.shortCount += 1;
    }
    byTime.set(at, b);
  }
  return [...byTime.values()].sort((a, b) => a.bucket - b.bucket);
}
