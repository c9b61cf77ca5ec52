import type { Interval } from '@wick/market';
import type { PoolConnection, ResultSetHeader } from 'mysql2/promise';
import type { CandleRow } from './candle-row.ts';
import { upsertCounts } from './upsert-counts.ts';

const UPSERT_CHUNK = 2000;

// VALUES(col) is deprecated on MySQL 8.0.20+ but still accepted by 8.4; the row-alias form that
// replaces it is a syntax error on MariaDB, so VALUES() is the one spelling both accept.
const UPSERT_SQL =
  'INSERT INTO candles (symbol_id, `interval`, open_time, open, high, low, close, volume, quote_volume, trades)' +
  ' VALUES ? ON DUPLICATE KEY UPDATE open = VALUES(open), high = VALUES(high), low = VALUES(low),' +
  ' close = VALUES(close), volume = VALUES(volume), quote_volume = VALUES(quote_volume), trades = VALUES(trades)';

/** Inserts or replaces rows as given (no roll-up), in their order: a later duplicate wins. */
export async function upsertCandleRows(
  conn: PoolConnection,
  symbolId: number,
  interval: Interval,
  rows: readonly CandleRow[],
): Promise<{ inserted: number; updated: number }> {
  const total = { inserted: 0, updated: 0 };
  for (let at = 0; at < rows.length; at += UPSERT_CHUNK) {
    const values = rows.slice(at, at + UPSERT_CHUNK).map((r) => [symbolId, interval, ...r]);
    const [header] = await conn.query<ResultSetHeader>(UPSERT_SQL, [values]);
    const counts = upsertCounts(header);
    total.inserted += counts.inserted;
    total.updated += counts.updated;
  }
  return total;
}
