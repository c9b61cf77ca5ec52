import type { ResultSetHeader } from 'mysql2';
import { inTransaction, query, type Database } from './client.ts';
import { InvalidQueryError } from './errors.ts';
import { INTERVAL_MS, isInterval, type Interval } from './intervals.ts';
import { symbolId } from './symbols.ts';

/** Columnar candles; `time` is the open time in ms. Ascending by time. */
export interface CandleColumns {
  time: Float64Array;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;
}

export interface CandleQuery {
  symbol: string;
  interval: Interval;
  from?: number;
  to?: number;
  limit: number;
  /** The last `limit` candles with time <= to (a chart's view) instead of the first from `from`. */
  newest?: boolean;
}

export const MAX_CANDLES_PER_QUERY = 1_000_000;

function checkTime(name: string, v: number | undefined): void {
  if (v !== undefined && !(Number.isSafeInteger(v) && v >= 0)) {
    throw new InvalidQueryError(`${name} must be a non-negative integer of ms, got ${v}`);
  }
}

export async function getCandles(database: Database, q: CandleQuery): Promise<CandleColumns> {
  if (!isInterval(q.interval)) throw new InvalidQueryError(`unknown interval ${String(q.interval)}`);
  if (!Number.isInteger(q.limit) || q.limit < 1 || q.limit > MAX_CANDLES_PER_QUERY) {
    throw new InvalidQueryError(`limit must be an integer in 1..${MAX_CANDLES_PER_QUERY}`);
  }
  checkTime('from', q.from);
  checkTime('to', q.to);
  const id = await symbolId(database, q.symbol);
  const newest = q.newest === true;
  // Both forms are one range read of the primary key (symbol_id, interval, open_time).
  const rows = await query<[number, string, string, string, string, string][]>(
    database,
    'SELECT open_time, open, high, low, close, volume FROM candles' +
      ' WHERE symbol_id = ? AND `interval` = ? AND open_time >= ? AND open_time <= ?' +
      ` ORDER BY open_time ${newest ? 'DESC' : 'ASC'} LIMIT ?`,
    [id, q.interval, q.from ?? 0, q.to ?? Number.MAX_SAFE_INTEGER, q.limit],
    { rowsAsArray: true },
  );
  const n = rows.length;
  const out: CandleColumns = {
    time: new Float64Array(n),
    open: new Float64Array(n),
    high: new Float64Array(n),
    low: new Float64Array(n),
    close: new Float64Array(n),
    volume: new Float64Array(n),
  };
  for (let i = 0; i < n; i++) {
    const r = rows[i]!;
    const j = newest ? n - 1 - i : i;
    out.time[j] = r[0];
    out.open[j] = Number(r[1]);
    out.high[j] = Number(r[2]);
    out.low[j] = Number(r[3]);
    out.close[j] = Number(r[4]);
    out.volume[j] = Number(r[5]);
  }
  return out;
}

export interface CandleInput {
  time: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  quoteVolume?: number;
  trades?: number;
}

function validateCandle(c: CandleInput, index: number, interval: Interval): void {
  const bad = (why: string): never => {
    throw new InvalidQueryError(`candle ${index}: ${why}`);
  };
  if (!Number.isSafeInteger(c.time) || c.time < 0) bad('time must be a non-negative integer of ms');
  if (c.time % INTERVAL_MS[interval] !== 0) bad(`time ${c.time} is not aligned to ${interval}`);
  for (const k of ['open', 'high', 'low', 'close', 'volume'] as const) {
    const v = c[k];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) bad(`${k} must be a finite number >= 0`);
  }
  if (c.high < Math.max(c.open, c.close, c.low) || c.low > Math.min(c.open, c.close)) {
    bad('high/low do not bound open/close');
  }
  if (c.quoteVolume !== undefined && !(Number.isFinite(c.quoteVolume) && c.quoteVolume >= 0)) {
    bad('quoteVolume must be a finite number >= 0');
  }
  if (c.trades !== undefined && !(Number.isSafeInteger(c.trades) && c.trades >= 0)) {
    bad('trades must be a non-negative integer');
  }
}

const UPSERT_CHUNK = 2000;

// VALUES(col) is deprecated on MySQL 8.0.20+ but still accepted by 8.4; the row-alias form that
// replaces it is a syntax error on MariaDB, so VALUES() is the one spelling both accept.
const UPSERT_SQL =
  'INSERT INTO candles (symbol_id, `interval`, open_time, open, high, low, close, volume, quote_volume, trades)' +
  ' VALUES ? ON DUPLICATE KEY UPDATE open = VALUES(open), high = VALUES(high), low = VALUES(low),' +
  ' close = VALUES(close), volume = VALUES(volume), quote_volume = VALUES(quote_volume), trades = VALUES(trades)';

/**
 * Counts rows inserted and changed by a multi-row upsert. With FOUND_ROWS off (client.ts)
 * affectedRows = inserted + 2 × changed and the info's "Duplicates" counts changed rows only
 * (unchanged duplicates count nowhere), as measured on MariaDB 10.11.
 */
export function upsertCounts(header: ResultSetHeader): { inserted: number; updated: number } {
  const m = /Duplicates:\s*(\d+)/.exec(header.info ?? '');
  if (m) {
    const updated = Number(m[1]);
    return { inserted: header.affectedRows - 2 * updated, updated };
  }
  // Single-row statements carry no info: 1 = inserted, 2 = updated, 0 = unchanged.
  return header.affectedRows === 2 ? { inserted: 0, updated: 1 } : { inserted: header.affectedRows, updated: 0 };
}

/**
 * Inserts or replaces candles in one transaction; re-sending the same candles changes nothing.
 * `affected` counts candles that were inserted or whose values changed.
 */
export async function upsertCandles(
  database: Database,
  symbol: string,
  interval: Interval,
  candles: CandleInput[],
): Promise<{ affected: number }> {
  if (!isInterval(interval)) throw new InvalidQueryError(`unknown interval ${String(interval)}`);
  candles.forEach((c, i) => validateCandle(c, i, interval));
  const id = await symbolId(database, symbol);
  if (candles.length === 0) return { affected: 0 };
  return inTransaction(database, async (conn) => {
    let affected = 0;
    for (let at = 0; at < candles.length; at += UPSERT_CHUNK) {
      const chunk = candles.slice(at, at + UPSERT_CHUNK);
      const values = chunk.map((c) => [id, interval, c.time, c.open, c.high, c.low, c.close, c.volume, c.quoteVolume ?? 0, c.trades ?? 0]);
      const [header] = await conn.query<ResultSetHeader>(UPSERT_SQL, [values]);
      const counts = upsertCounts(header);
      affected += counts.inserted + counts.updated;
    }
    return { affected };
  });
}
