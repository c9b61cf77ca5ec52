import { basename } from 'node:path';
import type { ResultSetHeader } from 'mysql2/promise';
import { inTransaction, type Database } from '../client.ts';
import { ImportError, InvalidQueryError } from '../errors.ts';
import { isInterval, type Interval } from '../intervals.ts';
import { ensureSymbols, splitSymbol } from '../symbols.ts';
import { upsertCounts } from '../candles.ts';
import { csvLines } from './csv-rows.ts';
import { isHeader, parseKline, parseLiquidation, RowError } from './parse.ts';

export interface ImportOptions {
  file: string;
  kind: 'klines' | 'liquidations';
  symbol: string;
  /** Required for klines. */
  interval?: Interval;
  onProgress?: (p: { table: string; done: number; total: number }) => void;
}

export interface ImportReport {
  /** Rows that were new. */
  inserted: number;
  /** Klines already stored with other values, now replaced. Always 0 for liquidations. */
  updated: number;
  /** Rows already stored exactly so. */
  unchanged: number;
}

const BATCH = 5000;

const KLINE_SQL =
  'INSERT INTO candles (symbol_id, `interval`, open_time, open, high, low, close, volume, quote_volume, trades) VALUES ?' +
  ' ON DUPLICATE KEY UPDATE open = VALUES(open), high = VALUES(high), low = VALUES(low), close = VALUES(close),' +
  ' volume = VALUES(volume), quote_volume = VALUES(quote_volume), trades = VALUES(trades)';

// A duplicate on the natural key (schema.ts) is the same liquidation: leave it, count it unchanged.
const LIQUIDATION_SQL =
  'INSERT INTO liquidation_orders (symbol_id, side, order_type, time_in_force, original_quantity, price, average_price,' +
  ' order_status, last_fill_quantity, accumulated_fill_quantity, order_trade_time) VALUES ? ON DUPLICATE KEY UPDATE id = id';

/**
 * Imports one Binance public CSV file. The whole file is validated before anything is written,
 * so a malformed row (reported with file and line) leaves the database untouched; then rows are
 * written in batches, one transaction each. Re-importing a file changes nothing.
 */
export async function importCsv(database: Database, opts: ImportOptions): Promise<ImportReport> {
  if (opts.kind !== 'klines' && opts.kind !== 'liquidations') throw new InvalidQueryError(`unknown kind ${String(opts.kind)}`);
  if (opts.kind === 'klines' && (opts.interval === undefined || !isInterval(opts.interval))) {
    throw new InvalidQueryError('klines need an interval (1m 5m 15m 1h 4h 1d)');
  }
  if (!/^[A-Z0-9]{2,32}$/.test(opts.symbol)) throw new InvalidQueryError(`not a symbol name: ${opts.symbol}`);
  const interval = opts.interval ?? '1m';
  const table = opts.kind === 'klines' ? 'candles' : 'liquidation_orders';
  const name = basename(opts.file);

  async function* rows(): AsyncGenerator<{ line: number; row: (string | number)[] }> {
    let first = true;
    try {
      for await (const { line, fields } of csvLines(opts.file)) {
        if (first && isHeader(fields)) {
          first = false;
          continue;
        }
        first = false;
        try {
          yield { line, row: opts.kind === 'klines' ? parseKline(fields, interval) : parseLiquidation(fields) };
        } catch (err) {
          if (err instanceof RowError) throw new ImportError(name, line, err.message);
          throw err;
        }
      }
    } catch (err) {
      if (err instanceof ImportError) throw err;
      throw new ImportError(name, 0, `cannot read: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  let total = 0;
  for await (const _ of rows()) total++;

  const { base, quote } = splitSymbol(opts.symbol);
  const symbolId = (await ensureSymbols(database, [{ name: opts.symbol, base, quote }])).get(opts.symbol)!;
  const report: ImportReport = { inserted: 0, updated: 0, unchanged: 0 };
  let done = 0;
  opts.onProgress?.({ table, done, total });
  const write = async (batch: (string | number)[][]) => {
    const values = opts.kind === 'klines' ? batch.map((r) => [symbolId, interval, ...r]) : batch.map((r) => [symbolId, ...r]);
    const header = await inTransaction(database, async (conn) => {
      const [h] = await conn.query<ResultSetHeader>(opts.kind === 'klines' ? KLINE_SQL : LIQUIDATION_SQL, [values]);
      return h;
    });
    if (opts.kind === 'klines') {
      const c = upsertCounts(header);
      report.inserted += c.inserted;
      report.updated += c.updated;
      report.unchanged += batch.length - c.inserted - c.updated;
    } else {
      report.inserted += header.affectedRows;
      report.unchanged += batch.length - header.affectedRows;
    }
    done += batch.length;
    opts.onProgress?.({ table, done, total });
  };
  let batch: (string | number)[][] = [];
  for await (const { row } of rows()) {
    batch.push(row);
    if (batch.length >= BATCH) {
      await write(batch);
      batch = [];
    }
  }
  if (batch.length > 0) await write(batch);
  return report;
}
