import { query, type Database } from './client.ts';
import type { CandleInput } from './candles.ts';
import { symbolId } from './symbols.ts';

/** A candle as stored, every field present: what upsertCandles takes back. */
export type StoredCandle = Required<CandleInput>;

/**
 * The newest stored 1m candle of `symbol` (the open minute if a feed is live), or null when it has
 * none: where a simulator or a feed continues the series from.
 */
export async function latestMinuteCandle(database: Database, symbol: string): Promise<StoredCandle | null> {
  const id = await symbolId(database, symbol);
  const rows = await query<[number, string, string, string, string, string, string, number][]>(
    database,
    'SELECT open_time, open, high, low, close, volume, quote_volume, trades FROM candles' +
      " WHERE symbol_id = ? AND `interval` = '1m' ORDER BY open_time DESC LIMIT 1",
    [id],
    { rowsAsArray: true },
  );
  const r = rows[0];
  if (!r) return null;
  return {
    time: r[0],
    open: Number(r[1]),
    high: Number(r[2]),
    low: Number(r[3]),
    close: Number(r[4]),
    volume: Number(r[5]),
    quoteVolume: Number(r[6]),
    trades: r[7],
  };
}
