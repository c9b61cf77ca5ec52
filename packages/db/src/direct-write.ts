import { candleOpenTime, type Interval } from '@wick/market';
import type { PoolConnection } from 'mysql2/promise';
import type { CandleRow } from './candle-row.ts';
import { upsertCandleRows } from './candle-upsert.ts';
import { daysOf, daysWithMinuteCandles, lockDaysForDirectWrite, releaseCreatedDays } from './rollup/day-lock.ts';

/**
 * Writes higher-interval candles as given, by the rule for direct writes: allowed on the UTC days
 * of a symbol without 1m candles (e.g. an imported 1d-only history); on days with 1m, where every
 * higher interval derives from 1m, the rows are not written but handed back as `derived` for the
 * caller to refuse or compare. Runs inside the caller's write transaction, holding the days'
 * locks, so no minute writer slips in between the check and the write.
 */
export async function writeDirectRows(
  conn: PoolConnection,
  symbolId: number,
  interval: Exclude<Interval, '1m'>,
  rows: readonly CandleRow[],
): Promise<{ inserted: number; updated: number; derived: CandleRow[] }> {
  const days = daysOf(rows.map((r) => r[0]));
  const created = await lockDaysForDirectWrite(conn, symbolId, days);
  const minuteDays = await daysWithMinuteCandles(conn, symbolId, days);
  const free: CandleRow[] = [];
  const derived: CandleRow[] = [];
  for (const r of rows) (minuteDays.has(candleOpenTime('1d', r[0])) ? derived : free).push(r);
  // A created day row is a placeholder: a 1d write fills it (each such day is an insert of
  // this write), any other interval removes it again.
  const createdDays = new Set(interval === '1d' ? created : []);
  const onCreated = free.filter((r) => createdDays.has(r[0]));
  const counts = await upsertCandleRows(
    conn,
    symbolId,
    interval,
    free.filter((r) => !createdDays.has(r[0])),
  );
  await upsertCandleRows(conn, symbolId, interval, onCreated);
  await releaseCreatedDays(
    conn,
    symbolId,
    created.filter((d) => !createdDays.has(d)),
  );
  return { inserted: counts.inserted + new Set(onCreated.map((r) => r[0])).size, updated: counts.updated, derived };
}
