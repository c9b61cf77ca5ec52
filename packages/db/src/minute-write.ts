import { candleOpenTime, type Interval } from '@wick/market';
import type { PoolConnection } from 'mysql2/promise';
import type { CandleRow } from './candle-row.ts';
import { upsertCandleRows } from './candle-upsert.ts';
import { rollUpMinutes, ROLLUP_STEPS } from './rollup/cascade.ts';
import { daysOf, SUB_DAY_ROLLUPS, supersedeDirectCandles } from './rollup/minute-days.ts';
import type { SeriesHead } from './series-heads.ts';
import type { SeriesTouch } from './series-write.ts';

/**
 * Writes 1m candles and re-derives every higher-interval bucket they touch, inside the caller's
 * series write (series-write.ts), which holds the heads of all six series; the first minutes of a
 * day supersede the candles written directly for it. Rows go in time order (a stable sort: of
 * two rows for one minute the later still wins).
 */
export async function writeMinuteRows(
  conn: PoolConnection,
  symbolId: number,
  rows: readonly CandleRow[],
  heads: ReadonlyMap<Interval, SeriesHead>,
): Promise<{ inserted: number; updated: number; touched: SeriesTouch[] }> {
  if (rows.length === 0) return { inserted: 0, updated: 0, touched: [] };
  const sorted = [...rows].sort((a, b) => a[0] - b[0]);
  const times = [...new Set(sorted.map((r) => r[0]))];
  // The day of the series' last minute has minutes: only other days can be a first (the live
  // feed's minutes skip the probe).
  const lastMinute = heads.get('1m')?.lastOpenTime ?? null;
  const dayWithMinutes = lastMinute === null ? null : candleOpenTime('1d', lastMinute);
  const deleted = await supersedeDirectCandles(
    conn,
    symbolId,
    daysOf(times).filter((d) => d !== dayWithMinutes),
  );
  const counts = await upsertCandleRows(conn, symbolId, '1m', sorted);
  const derived = await rollUpMinutes(conn, symbolId, times);
  const first = times[0]!;
  const touched: SeriesTouch[] = [
    { interval: '1m', from: first, changed: counts.inserted + counts.updated > 0, deleted: false },
    ...ROLLUP_STEPS.map(({ interval }) => {
      // The delete's count covers 5m…4h together: each of them may have lost direct candles.
      const lostDirect = deleted > 0 && SUB_DAY_ROLLUPS.includes(interval);
      return {
        interval,
        from: candleOpenTime(interval, first),
        changed: derived.get(interval) === true || lostDirect,
        deleted: lostDirect,
      };
    }),
  ];
  return { ...counts, touched };
}
