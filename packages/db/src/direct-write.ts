import { candleOpenTime, type Interval } from '@wick/market';
import type { PoolConnection } from 'mysql2/promise';
import type { CandleRow } from './candle-row.ts';
import { upsertCandleRows } from './candle-upsert.ts';
import { daysOf, daysWithMinuteCandles } from './rollup/minute-days.ts';
import type { SeriesTouch } from './series-write.ts';

/**
 * Writes higher-interval candles as given, by the rule for direct writes: allowed on the UTC days
 * of a symbol without 1m candles (e.g. an imported 1d-only history); on days with 1m, where every
 * higher interval derives from 1m, the rows are not written but handed back as `derived` for the
 * caller to refuse or compare. Runs inside the caller's series write holding the interval's head,
 * which every minute writer takes too: none slips in between the check and the write.
 */
export async function writeDirectRows(
  conn: PoolConnection,
  symbolId: number,
  interval: Exclude<Interval, '1m'>,
  rows: readonly CandleRow[],
): Promise<{ inserted: number; updated: number; derived: CandleRow[]; touched: SeriesTouch }> {
  const minuteDays = await daysWithMinuteCandles(conn, symbolId, daysOf(rows.map((r) => r[0])));
  const free: CandleRow[] = [];
  const derived: CandleRow[] = [];
  for (const r of rows) (minuteDays.has(candleOpenTime('1d', r[0])) ? derived : free).push(r);
  const counts = await upsertCandleRows(conn, symbolId, interval, free);
  const from = free.reduce((min, r) => Math.min(min, r[0]), Number.POSITIVE_INFINITY);
  return { ...counts, derived, touched: { interval, from, changed: counts.inserted + counts.updated > 0, deleted: false } };
}
