import type { Interval } from '@wick/market';
import type { PoolConnection } from 'mysql2/promise';
import { CANDLE_VALUE_COLUMNS, type CandleRow } from '../candle-row.ts';
import { canonicalDecimal } from '../canonical-decimal.ts';

export type CandleValueColumn = (typeof CANDLE_VALUE_COLUMNS)[number];

/** A file row on a day with 1m candles whose values differ from the stored roll-up. */
export interface RollupDifference {
  openTime: number;
  /** The first column that differs, or 'missing' when no 1m candle falls in the row's span. */
  column: CandleValueColumn | 'missing';
  /** The file's value (canonical decimal text), null when missing. */
  file: string | null;
  /** The roll-up's value (canonical decimal text), null when missing. */
  rollup: string | null;
}

/**
 * Compares rows of a higher interval with the buckets stored for them (derived from 1m); returns
 * every row that differs, in row order. Reads inside the caller's series write, which holds the
 * interval's head (every minute writer takes it too), so the roll-up cannot move underneath.
 */
export async function differencesFromRollup(
  conn: PoolConnection,
  symbolId: number,
  interval: Interval,
  rows: readonly CandleRow[],
): Promise<RollupDifference[]> {
  if (rows.length === 0) return [];
  const [stored] = await conn.query({
    sql:
      'SELECT open_time, open, high, low, close, volume, quote_volume, trades FROM candles' +
      ' WHERE symbol_id = ? AND `interval` = ? AND open_time IN (?)',
    values: [symbolId, interval, rows.map((r) => r[0])],
    rowsAsArray: true,
  });
  const byTime = new Map((stored as CandleRow[]).map((r) => [r[0], r]));
  const out: RollupDifference[] = [];
  for (const row of rows) {
    const derived = byTime.get(row[0]);
    if (!derived) {
      out.push({ openTime: row[0], column: 'missing', file: null, rollup: null });
      continue;
    }
    const at = CANDLE_VALUE_COLUMNS.findIndex((_, i) => canonicalDecimal(row[i + 1]!) !== canonicalDecimal(derived[i + 1]!));
    if (at >= 0) {
      out.push({
        openTime: row[0],
        column: CANDLE_VALUE_COLUMNS[at]!,
        file: canonicalDecimal(row[at + 1]!),
        rollup: canonicalDecimal(derived[at + 1]!),
      });
    }
  }
  return out;
}
