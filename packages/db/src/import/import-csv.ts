import { basename } from 'node:path';
import { INTERVALS, isInterval, isSymbolName, SYMBOL_RULE, type Interval } from '@wick/market';
import type { CandleRow } from '../candle-row.ts';
import { inTransaction, type Database } from '../client.ts';
import { writeDirectRows } from '../direct-write.ts';
import { ImportError, InvalidQueryError } from '../errors.ts';
import type { LiquidationFields } from '../liquidation-fields.ts';
import { insertNewLiquidations, type LiquidationInsertRow } from '../liquidation-insert.ts';
import { writeMinuteRows } from '../minute-write.ts';
import { DEFAULT_TAIL_LENGTH, writeSeries, type SeriesUpdate } from '../series-write.ts';
import { ensureSymbols, splitSymbol } from '../symbols.ts';
import { csvLines } from './csv-rows.ts';
import { isHeader, parseKline, parseLiquidation, RowError } from './parse.ts';
import { differencesFromRollup, type RollupDifference } from './rollup-check.ts';

export interface ImportOptions {
  file: string;
  kind: 'klines' | 'liquidations';
  symbol: string;
  /** Required for klines. */
  interval?: Interval;
  onProgress?: (p: { table: string; done: number; total: number }) => void;
}

/**
 * Higher-interval rows that fall on UTC days with 1m candles: there the interval is derived from
 * 1m, so they are not written but compared with the roll-up.
 */
export interface RollupComparison {
  compared: number;
  differing: number;
  /** The first few differing rows, in file order. */
  examples: RollupDifference[];
}

export interface ImportReport {
  /** Rows that were new. */
  inserted: number;
  /** Klines already stored with other values, now replaced. Always 0 for liquidations. */
  updated: number;
  /** Rows already stored exactly so. */
  unchanged: number;
  rollup: RollupComparison;
  /**
   * Klines: every series the import changed, as its last batch left it (rev and tail of that
   * batch's commit; tailOnly only if every batch's was). Each batch is one series write
   * (series-write.ts). Empty for liquidations.
   */
  series: SeriesUpdate[];
}

const BATCH = 5000;
const MAX_EXAMPLES = 5;

/**
 * Imports one Binance public CSV file. The whole file is validated before anything is written,
 * so a malformed row (reported with file and line) leaves the database untouched; then rows are
 * written in batches, one transaction each. Re-importing a file changes nothing.
 *
 * 1m klines roll up into every higher interval in the same transaction as their batch. Klines of
 * a higher interval are written only for UTC days without 1m candles; on days with 1m they are
 * compared with the roll-up instead and the differences reported (`rollup`).
 */
export async function importCsv(database: Database, opts: ImportOptions): Promise<ImportReport> {
  if (opts.kind !== 'klines' && opts.kind !== 'liquidations') throw new InvalidQueryError(`unknown kind ${String(opts.kind)}`);
  if (opts.kind === 'klines' && (opts.interval === undefined || !isInterval(opts.interval))) {
    throw new InvalidQueryError('klines need an interval (1m 5m 15m 1h 4h 1d)');
  }
  if (!isSymbolName(opts.symbol)) throw new InvalidQueryError(`symbol ${JSON.stringify(opts.symbol)} ${SYMBOL_RULE}`);
  const kind = opts.kind;
  const interval = opts.interval ?? '1m';
  const table = kind === 'klines' ? 'candles' : 'liquidation_orders';
  const name = basename(opts.file);

  /** The file's rows parsed, header skipped; a bad row throws ImportError with its line. */
  async function* parsedRows<T>(parse: (fields: string[]) => T): AsyncGenerator<T> {
    let first = true;
    try {
      for await (const { line, fields } of csvLines(opts.file)) {
        if (first && isHeader(fields)) {
          first = false;
          continue;
        }
        first = false;
        try {
          yield parse(fields);
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

  /** Validates every row (a first pass), then writes them in batches (a second). */
  async function importRows<T>(parse: (fields: string[]) => T, write: (batch: T[], symbolId: number) => Promise<void>): Promise<void> {
    let total = 0;
    for await (const _ of parsedRows(parse)) total++;
    const { base, quote } = splitSymbol(opts.symbol);
    const symbolId = (await ensureSymbols(database, [{ name: opts.symbol, base, quote }])).get(opts.symbol)!;
    let done = 0;
    opts.onProgress?.({ table, done, total });
    let batch: T[] = [];
    const flush = async () => {
      if (batch.length === 0) return;
      await write(batch, symbolId);
      done += batch.length;
      batch = [];
      opts.onProgress?.({ table, done, total });
    };
    for await (const row of parsedRows(parse)) {
      batch.push(row);
      if (batch.length >= BATCH) await flush();
    }
    await flush();
  }

  const report: ImportReport = { inserted: 0, updated: 0, unchanged: 0, rollup: { compared: 0, differing: 0, examples: [] }, series: [] };
  const series = new Map<Interval, SeriesUpdate>();

  const writeKlines = async (batch: CandleRow[], symbolId: number) => {
    const locked = interval === '1m' ? INTERVALS : [interval];
    type Written = { counts: { inserted: number; updated: number }; compared: number; differences: RollupDifference[] };
    const { result: written, series: changed } = await writeSeries<Written>(
      database,
      symbolId,
      locked,
      DEFAULT_TAIL_LENGTH,
      async (conn, heads) => {
        if (interval === '1m') {
          const counts = await writeMinuteRows(conn, symbolId, batch, heads);
          return { result: { counts, compared: 0, differences: [] }, touched: counts.touched };
        }
        const counts = await writeDirectRows(conn, symbolId, interval, batch);
        const differences = await differencesFromRollup(conn, symbolId, interval, counts.derived);
        return { result: { counts, compared: counts.derived.length, differences }, touched: [counts.touched] };
      },
    );
    for (const s of changed) series.set(s.interval, { ...s, tailOnly: s.tailOnly && (series.get(s.interval)?.tailOnly ?? true) });
    report.inserted += written.counts.inserted;
    report.updated += written.counts.updated;
    report.unchanged += batch.length - written.compared - written.counts.inserted - written.counts.updated;
    report.rollup.compared += written.compared;
    report.rollup.differing += written.differences.length;
    report.rollup.examples.push(...written.differences.slice(0, Math.max(0, MAX_EXAMPLES - report.rollup.examples.length)));
  };
  const writeLiquidations = async (batch: LiquidationFields[], symbolId: number) => {
    const inserted = await inTransaction(database, (conn) =>
      insertNewLiquidations(
        conn,
        batch.map((r): LiquidationInsertRow => [symbolId, ...r]),
      ),
    );
    report.inserted += inserted;
    report.unchanged += batch.length - inserted;
  };

  if (kind === 'klines') await importRows((fields) => parseKline(fields, interval), writeKlines);
  else await importRows(parseLiquidation, writeLiquidations);
  report.series = INTERVALS.flatMap((iv) => series.get(iv) ?? []);
  return report;
}
