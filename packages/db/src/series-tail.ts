import type { CandleColumns, Interval } from '@wick/market';
import type { PoolConnection } from 'mysql2/promise';
import { columnsFromRows, type CandleValuesRow } from './columns-from-rows.ts';

const TAIL_SQL =
  '(SELECT `interval`, open_time, open, high, low, close, volume FROM candles' +
  ' WHERE symbol_id = ? AND `interval` = ? ORDER BY open_time DESC LIMIT ?)';

/**
 * The last `length` candles of each of `intervals` (ascending columns; empty for a series without
 * candles), read in one statement: one backward primary-key range per series. Parenthesised
 * query blocks with their own ORDER BY and LIMIT are what MariaDB 10.11 and MySQL 8.4 both accept.
 */
export async function readSeriesTails(
  conn: PoolConnection,
  symbolId: number,
  intervals: readonly Interval[],
  length: number,
): Promise<Map<Interval, CandleColumns>> {
  const [rows] = await conn.query({
    sql: intervals.map(() => TAIL_SQL).join(' UNION ALL '),
    values: intervals.flatMap((iv) => [symbolId, iv, length]),
    rowsAsArray: true,
  });
  const byInterval = new Map<Interval, CandleValuesRow[]>(intervals.map((iv) => [iv, []]));
  for (const [iv, ...candle] of rows as [Interval, ...CandleValuesRow][]) byInterval.get(iv)?.push(candle);
  // UNION ALL promises no order across (or within) its blocks: sort each series newest first.
  return new Map(
    [...byInterval].map(
      ([iv, list]) =>
        [
          iv,
          columnsFromRows(
            list.sort((a, b) => Number(b[0]) - Number(a[0])),
            true,
          ),
        ] as const,
    ),
  );
}
