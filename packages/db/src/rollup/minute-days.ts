import { candleOpenTime, INTERVAL_MS, ROLLUP_INTERVALS, type Interval } from '@wick/market';
import type { PoolConnection, ResultSetHeader, RowDataPacket } from 'mysql2/promise';

// Which UTC days of a symbol hold 1m candles decides who writes its higher intervals there: on
// a day with 1m they derive from it; on a day without, they may be written directly. The
// callers hold the heads of the series involved (series-heads.ts), so no writer changes the
// answer between the check and the write.

const DAY = INTERVAL_MS['1d'];

/** The UTC days (open times of their 1d buckets) that `times` fall on, ascending and distinct. */
export function daysOf(times: Iterable<number>): number[] {
  const days = new Set<number>();
  for (const t of times) days.add(candleOpenTime('1d', t));
  return [...days].sort((a, b) => a - b);
}

const DAYS_PER_PROBE = 200;

/** Which of `days` hold at least one 1m candle: one primary-key probe per day. */
export async function daysWithMinuteCandles(conn: PoolConnection, symbolId: number, days: readonly number[]): Promise<Set<number>> {
  const found = new Set<number>();
  for (let at = 0; at < days.length; at += DAYS_PER_PROBE) {
    const chunk = days.slice(at, at + DAYS_PER_PROBE);
    const probe = "(SELECT ? AS day FROM candles WHERE symbol_id = ? AND `interval` = '1m' AND open_time >= ? AND open_time < ? LIMIT 1)";
    const [rows] = await conn.query<RowDataPacket[]>(
      chunk.map(() => probe).join(' UNION ALL '),
      chunk.flatMap((d) => [d, symbolId, d, d + DAY]),
    );
    for (const r of rows) found.add(Number(r.day));
  }
  return found;
}

/** The derived intervals below 1d: those the first 1m of a day takes over from direct writes. */
export const SUB_DAY_ROLLUPS: readonly Interval[] = ROLLUP_INTERVALS.filter((iv) => iv !== '1d');

/**
 * The first 1m candles of a day supersede what was written directly for it (imported 5m…4h
 * candles of a day without 1m): from now on every higher interval of the day derives from its
 * 1m, and a leftover direct candle would sit in a bucket no roll-up accounts for. Its 1d row is
 * recomputed by the roll-up anyway. Call before writing the minutes; returns the candles deleted.
 */
export async function supersedeDirectCandles(conn: PoolConnection, symbolId: number, days: readonly number[]): Promise<number> {
  if (days.length === 0) return 0;
  const withMinutes = await daysWithMinuteCandles(conn, symbolId, days);
  const first = days.filter((d) => !withMinutes.has(d));
  if (first.length === 0) return 0;
  const [header] = await conn.query<ResultSetHeader>(
    `DELETE FROM candles WHERE symbol_id = ? AND \`interval\` IN (?) AND (${first.map(() => '(open_time >= ? AND open_time < ?)').join(' OR ')})`,
    [symbolId, SUB_DAY_ROLLUPS, ...first.flatMap((d) => [d, d + DAY])],
  );
  return header.affectedRows;
}
