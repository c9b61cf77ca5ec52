import { createHash } from 'node:crypto';
import { candleOpenTime, deriveSeed, INTERVAL_MS, INTERVALS, SeededRandom as Prng, type Interval } from '@wick/market';
import { z } from 'zod';
import { CANDLE_ROW_COLUMNS } from '../candle-row.ts';
import { withConnection, type Database } from '../client.ts';
import { InvalidQueryError } from '../errors.ts';
import { rollUpSpan } from '../rollup/cascade.ts';
import { REV_CLOCK_SQL } from '../series-heads.ts';
import { ensureSymbols, forgetSymbols } from '../symbols.ts';
import { bulkLoad, isLocalInfileRefused, type LoadMethod } from './bulk-load.ts';
import { walkMinutes } from './candle-walk.ts';
import { formatScaled } from './decimal.ts';
import { generateLiquidations, SEED_LIQUIDATION_COLUMNS } from './liquidation-gen.ts';
import { markets, MAX_SEED_SYMBOLS, type MarketSpec } from './markets.ts';

export interface SeedOptions {
  symbols?: number;
  /** Length of the series in days of 1m candles (default 2); ignored when both start and end are given. */
  days?: number;
  liquidations?: number;
  seed?: number;
  /** Open time (ms, minute-aligned) of the first 1m candle. */
  start?: number;
  /**
   * End (ms, minute-aligned, exclusive) of the 1m candles. Without start or end the series ends
   * at the present: its last 1m candle is the current, open minute, so a live feed continues it
   * without a gap. An explicit start or end makes the output independent of the clock.
   */
  end?: number;
  /** 'auto' tries LOAD DATA LOCAL INFILE and falls back to multi-row INSERT if the server refuses. */
  method?: LoadMethod | 'auto';
}

export interface SeedProgress {
  table: string;
  done: number;
  total: number;
}

export interface SeedReport {
  symbols: string[];
  /** [start, end) of the 1m candles, ms. */
  span: { start: number; end: number };
  candles: Record<Interval, number>;
  liquidations: number;
  method: LoadMethod;
  seconds: { candles: number; liquidations: number; checksum: number };
  rowsPerSecond: { candles: number; liquidations: number };
  checksum: string;
}

const MINUTE = INTERVAL_MS['1m'];
const DEFAULT_DAYS = 2;
const MAX_DAYS = 90;

const msField = (name: string) =>
  z
    .number()
    .int()
    .min(0)
    .refine((v) => v % MINUTE === 0, `${name} must be aligned to a minute`)
    .optional();

export const seedOptionsSchema = z.object({
  symbols: z.number().int().min(1).max(MAX_SEED_SYMBOLS).default(3),
  days: z.number().int().min(1).max(MAX_DAYS).optional(),
  liquidations: z.number().int().min(0).max(50_000_000).default(10_000),
  seed: z.number().int().min(0).max(0xffffffff).default(42),
  start: msField('start'),
  end: msField('end'),
  method: z.enum(['auto', 'load-data', 'insert']).default('auto'),
});

/** The [start, end) of the 1m candles, and whether it ends at the present. */
export function seedSpan(o: { days?: number; start?: number; end?: number }, nowMs: number): { start: number; end: number; live: boolean } {
  const length = (o.days ?? DEFAULT_DAYS) * INTERVAL_MS['1d'];
  const live = o.start === undefined && o.end === undefined;
  const end = o.end ?? (o.start !== undefined ? o.start + length : candleOpenTime('1m', nowMs) + MINUTE);
  const start = o.start ?? end - length;
  if (end <= start) throw new InvalidQueryError('invalid seed options: end must be after start');
  if (end - start > MAX_DAYS * INTERVAL_MS['1d']) throw new InvalidQueryError(`invalid seed options: at most ${MAX_DAYS} days of candles`);
  return { start, end, live };
}

/** Buckets of `interval` that [start, end) touches: partial ones at either end included. */
function bucketCount(interval: Interval, start: number, end: number): number {
  return (candleOpenTime(interval, end - 1) - candleOpenTime(interval, start)) / INTERVAL_MS[interval] + 1;
}

const CANDLE_COLUMNS = ['symbol_id', 'interval', ...CANDLE_ROW_COLUMNS] as const;

function walkFor(spec: MarketSpec, index: number, minutes: number, seed: number) {
  return walkMinutes(spec, minutes, new Prng(deriveSeed(seed, 'walk', index, spec.name)));
}

/** Largest-remainder split of `total` by weight: deterministic and exact. */
function split(total: number, weights: number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  const raw = weights.map((w) => (total * w) / sum);
  const out = raw.map(Math.floor);
  let left = total - out.reduce((a, b) => a + b, 0);
  const order = raw.map((r, i) => [r - Math.floor(r), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (const [, i] of order) {
    if (left-- <= 0) break;
    out[i]!++;
  }
  return out;
}

/**
 * Replaces all market data with a deterministic synthetic set: same options (with an explicit
 * start or end), same rows, same checksum. 1m candles come from a random walk; the higher
 * intervals are derived from them by the same roll-up SQL as every 1m write, over the whole span.
 * Symbol ids start again at 1; series revisions continue above the replaced data's (see
 * SeriesHead.rev). What a cache holds of the replaced data is not retired here (this package does
 * not know the cache): `pnpm db:seed` does that after the seed (apps/server src/cli/data-command.ts).
 */
export async function seed(
  database: Database,
  options: SeedOptions & { onProgress?: (p: SeedProgress) => void } = {},
): Promise<SeedReport> {
  const parsed = seedOptionsSchema.safeParse({ ...options, onProgress: undefined });
  if (!parsed.success) throw new InvalidQueryError(`invalid seed options: ${parsed.error.message}`);
  const o = parsed.data;
  const onProgress = options.onProgress ?? (() => undefined);
  const now = Date.now();
  const span = seedSpan(o, now);
  const specs = markets(o.symbols);
  const minutes = (span.end - span.start) / MINUTE;
  // In a series that ends at the present, no liquidation is stamped after it.
  const notAfter = span.live ? now : Number.POSITIVE_INFINITY;

  await withConnection(database, async (conn) => {
    // TRUNCATE is refused on a table referenced by a foreign key, even an empty one.
    await conn.query('SET FOREIGN_KEY_CHECKS = 0');
    try {
      for (const t of ['liquidation_orders', 'candles', 'series_heads', 'symbols']) await conn.query(`TRUNCATE TABLE ${t}`);
    } finally {
      await conn.query('SET FOREIGN_KEY_CHECKS = 1');
    }
  });
  forgetSymbols(database);
  const ids = await ensureSymbols(
    database,
    specs.map((s) => ({ name: s.name, base: s.base, quote: s.quote })),
  );

  const perSymbol = Object.fromEntries(INTERVALS.map((iv) => [iv, bucketCount(iv, span.start, span.end)])) as Record<Interval, number>;
  const candleCounts = Object.fromEntries(INTERVALS.map((iv) => [iv, specs.length * perSymbol[iv]])) as Record<Interval, number>;
  const candleTotal = Object.values(candleCounts).reduce((a, b) => a + b, 0);

  function* minuteRows(): Generator<(string | number)[]> {
    for (const [index, spec] of specs.entries()) {
      const id = ids.get(spec.name)!;
      const m = walkFor(spec, index, minutes, o.seed);
      for (let i = 0; i < m.n; i++) {
        yield [
          id,
          '1m',
          span.start + i * MINUTE,
          formatScaled(m.open[i]!, spec.priceDecimals),
          formatScaled(m.high[i]!, spec.priceDecimals),
          formatScaled(m.low[i]!, spec.priceDecimals),
          formatScaled(m.close[i]!, spec.priceDecimals),
          formatScaled(m.volume[i]!, spec.lotDecimals),
          formatScaled(m.quoteCents[i]!, 2),
          m.trades[i]!,
        ];
      }
    }
  }

  const perMarket = split(
    o.liquidations,
    specs.map((s) => s.weight),
  );
  function* liquidationRows(): Generator<(string | number)[]> {
    for (const [index, spec] of specs.entries()) {
      const m = walkFor(spec, index, minutes, o.seed);
      const rng = new Prng(deriveSeed(o.seed, 'liquidations', index, spec.name));
      yield* generateLiquidations(spec, ids.get(spec.name)!, m, span.start, perMarket[index]!, rng, notAfter);
    }
  }

  /** Reports rows done of one table; restarts at 0 when a load falls back to the other method. */
  const progressOf = (table: string, total: number) => {
    let done = 0;
    onProgress({ table, done, total });
    return {
      add(n: number) {
        done += n;
        onProgress({ table, done, total });
      },
      restart() {
        done = 0;
      },
    };
  };

  let method: LoadMethod = o.method === 'auto' ? 'load-data' : o.method;
  const load = async (table: string, columns: readonly string[], rows: () => Iterable<(string | number)[]>, total: number) => {
    const progress = progressOf(table, total);
    await withConnection(database, async (conn) => {
      // Rows are unique and reference existing symbols by construction: skip the checks.
      await conn.query('SET unique_checks = 0, foreign_key_checks = 0');
      try {
        try {
          await bulkLoad(conn, table, columns, rows(), method, progress.add);
        } catch (err) {
          if (o.method !== 'auto' || method !== 'load-data' || !isLocalInfileRefused(err)) throw err;
          method = 'insert';
          progress.restart();
          await bulkLoad(conn, table, columns, rows(), method, progress.add);
        }
      } finally {
        await conn.query('SET unique_checks = 1, foreign_key_checks = 1');
      }
    });
    return progress;
  };

  let t0 = performance.now();
  const candleProgress = await load('candles', CANDLE_COLUMNS, minuteRows, candleTotal);
  await withConnection(database, async (conn) => {
    for (const spec of specs) {
      await rollUpSpan(conn, ids.get(spec.name)!, span.start, span.end);
      candleProgress.add(candleTotal / specs.length - perSymbol['1m']);
    }
    // The bulk path bypasses the series writes. Its heads start at the clock base, above any rev
    // of the data it replaced that a cache may still hold, and with no last candle: the cache was
    // told nothing of these candles, so the first write through Wick is not tail-only (it bumps the
    // series' generation) even where nobody retired the cache after the seed.
    await conn.query(
      `INSERT INTO series_heads (symbol_id, \`interval\`, rev, last_open_time)` +
        ` SELECT symbol_id, \`interval\`, ${REV_CLOCK_SQL}, NULL FROM candles GROUP BY symbol_id, \`interval\``,
    );
  });
  const candleSeconds = (performance.now() - t0) / 1000;
  t0 = performance.now();
  await load('liquidation_orders', SEED_LIQUIDATION_COLUMNS, liquidationRows, o.liquidations);
  const liqSeconds = (performance.now() - t0) / 1000;
  t0 = performance.now();
  const checksum = await dataChecksum(database);
  const checksumSeconds = (performance.now() - t0) / 1000;
  return {
    symbols: specs.map((s) => s.name),
    span: { start: span.start, end: span.end },
    candles: candleCounts,
    liquidations: o.liquidations,
    method,
    seconds: { candles: candleSeconds, liquidations: liqSeconds, checksum: checksumSeconds },
    rowsPerSecond: {
      candles: Math.round(candleTotal / candleSeconds),
      liquidations: Math.round(o.liquidations / Math.max(liqSeconds, 1e-9)),
    },
    checksum,
  };
}

/**
 * A digest of what is stored (not of what was generated), independent of ids: row count plus sum
 * and xor of a CRC32 per row, per table, over the values as the server prints them.
 */
export async function dataChecksum(database: Database): Promise<string> {
  const [candles] = await database.pool.query({
    sql:
      "SELECT COUNT(*), COALESCE(SUM(CRC32(CONCAT_WS(',', s.name, c.`interval`, c.open_time, c.open, c.high, c.low, c.close," +
      " c.volume, c.quote_volume, c.trades))), 0), BIT_XOR(CRC32(CONCAT_WS(',', s.name, c.`interval`, c.open_time, c.close)))" +
      ' FROM candles c JOIN symbols s ON s.id = c.symbol_id',
    rowsAsArray: true,
  });
  const [liq] = await database.pool.query({
    sql:
      "SELECT COUNT(*), COALESCE(SUM(CRC32(CONCAT_WS(',', s.name, l.side, l.order_type, l.time_in_force, l.original_quantity," +
      ' l.price, l.average_price, l.order_status, l.last_fill_quantity, l.accumulated_fill_quantity, l.order_trade_time))), 0),' +
      " BIT_XOR(CRC32(CONCAT_WS(',', s.name, l.order_trade_time, l.price, l.original_quantity)))" +
      ' FROM liquidation_orders l JOIN symbols s ON s.id = l.symbol_id',
    rowsAsArray: true,
  });
  const text = JSON.stringify([candles, liq]);
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}
