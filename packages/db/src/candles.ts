import { INTERVAL_MS, INTERVALS, isInterval, type CandleColumns, type Interval } from '@wick/market';
import { query, type Database } from './client.ts';
import type { CandleRow } from './candle-row.ts';
import { columnsFromRows, type CandleValuesRow } from './columns-from-rows.ts';
import { writeDirectRows } from './direct-write.ts';
import { InvalidQueryError, RollupConflictError } from './errors.ts';
import { writeMinuteRows } from './minute-write.ts';
import { checkTailLength, DEFAULT_TAIL_LENGTH, writeSeries, type SeriesUpdate } from './series-write.ts';
import { symbolId } from './symbols.ts';

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
  const rows = await query<CandleValuesRow[]>(
    database,
    'SELECT open_time, open, high, low, close, volume FROM candles' +
      ' WHERE symbol_id = ? AND `interval` = ? AND open_time >= ? AND open_time <= ?' +
      ` ORDER BY open_time ${newest ? 'DESC' : 'ASC'} LIMIT ?`,
    [id, q.interval, q.from ?? 0, q.to ?? Number.MAX_SAFE_INTEGER, q.limit],
    { rowsAsArray: true },
  );
  return columnsFromRows(rows, newest);
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

const toRow = (c: CandleInput): CandleRow => [c.time, c.open, c.high, c.low, c.close, c.volume, c.quoteVolume ?? 0, c.trades ?? 0];

const MAX_REFUSED_LISTED = 5;

function refusal(symbol: string, interval: Interval, refused: readonly CandleRow[]): RollupConflictError {
  const first = new Date(refused[0]![0]).toISOString();
  return new RollupConflictError(
    symbol,
    `${symbol} ${interval}: ${refused.length} candle(s) fall on UTC days that already have 1m candles (first at ${first}).` +
      ` There ${interval} is derived from 1m: write the 1m candles instead. Higher intervals can be written directly only` +
      ` for days without 1m.`,
    refused.slice(0, MAX_REFUSED_LISTED).map((r) => r[0]),
  );
}

export interface UpsertOptions {
  /** Candles per series in `series[].tail` (default DEFAULT_TAIL_LENGTH = 32, at most MAX_TAIL_LENGTH). */
  tailLength?: number;
}

export interface UpsertResult {
  /** Candles of `interval` that were inserted or whose values changed. */
  affected: number;
  /** Every series the write changed (a 1m write: 1m and each roll-up it moved), in INTERVALS order. */
  series: SeriesUpdate[];
}

/**
 * Inserts or replaces candles in one transaction; re-sending the same candles changes nothing
 * (and reports no series).
 *
 * 1m is the source of truth: a 1m write re-derives, in the same transaction, every 5m … 1d bucket
 * it touches (the open one included; a correction of an old minute re-derives its buckets). A
 * higher interval is accepted only for UTC days of the symbol without 1m candles, and refused
 * with RollupConflictError on days that have them; the first 1m candles of a day replace what
 * was written directly for it.
 *
 * Writers of a series serialize (series-write.ts): `series` reports, per series changed, its rev
 * (consecutive in commit order), whether the write only touched its tail, and its last candles
 * as this commit left them.
 */
export async function upsertCandles(
  database: Database,
  symbol: string,
  interval: Interval,
  candles: readonly CandleInput[],
  options: UpsertOptions = {},
): Promise<UpsertResult> {
  if (!isInterval(interval)) throw new InvalidQueryError(`unknown interval ${String(interval)}`);
  const tailLength = options.tailLength ?? DEFAULT_TAIL_LENGTH;
  checkTailLength(tailLength);
  candles.forEach((c, i) => validateCandle(c, i, interval));
  const id = await symbolId(database, symbol);
  if (candles.length === 0) return { affected: 0, series: [] };
  const rows = candles.map(toRow);
  const { result, series } = await writeSeries(
    database,
    id,
    interval === '1m' ? INTERVALS : [interval],
    tailLength,
    async (conn, heads) => {
      if (interval === '1m') {
        const written = await writeMinuteRows(conn, id, rows, heads);
        return { result: written.inserted + written.updated, touched: written.touched };
      }
      const written = await writeDirectRows(conn, id, interval, rows);
      if (written.derived.length > 0) throw refusal(symbol, interval, written.derived);
      return { result: written.inserted + written.updated, touched: [written.touched] };
    },
  );
  return { affected: result, series };
}
