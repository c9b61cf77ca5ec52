import type { PoolConnection } from 'mysql2/promise';
import type { CandleRow } from './candle-row.ts';
import { upsertCandleRows } from './candle-upsert.ts';
import { rollUpMinutes } from './rollup/cascade.ts';
import { daysOf, lockDaysForMinuteWrite, supersedeDirectCandles } from './rollup/day-lock.ts';

/**
 * Writes 1m candles and re-derives every higher-interval bucket they touch, inside the caller's
 * write transaction (write-transaction.ts); the first minutes of a day supersede the candles
 * written directly for it. Rows go in time order (a stable sort: of two rows for
 * one minute the later still wins) so concurrent writers lock rows in one global order.
 */
export async function writeMinuteRows(
  conn: PoolConnection,
  symbolId: number,
  rows: readonly CandleRow[],
): Promise<{ inserted: number; updated: number }> {
  if (rows.length === 0) return { inserted: 0, updated: 0 };
  const sorted = [...rows].sort((a, b) => a[0] - b[0]);
  const times = [...new Set(sorted.map((r) => r[0]))];
  const days = daysOf(times);
  await lockDaysForMinuteWrite(conn, symbolId, days);
  await supersedeDirectCandles(conn, symbolId, days);
  const counts = await upsertCandleRows(conn, symbolId, '1m', sorted);
  await rollUpMinutes(conn, symbolId, times);
  return counts;
}
