import { createHash } from 'node:crypto';
import { z } from 'zod';
import { withConnection, type Database } from '../client.ts';
import { InvalidQueryError } from '../errors.ts';
import { INTERVAL_MS, INTERVALS, type Interval } from '../intervals.ts';
import { ensureSymbols, forgetSymbols } from '../symbols.ts';
import { bulkLoad, isLocalInfileRefused, type LoadMethod } from './bulk-load.ts';
import { aggregate, walkMinutes } from './candle-walk.ts';
import { formatScaled } from './decimal.ts';
import { generateLiquidations, SEED_LIQUIDATION_COLUMNS } from './liquidation-gen.ts';
import { markets, MAX_SEED_SYMBOLS, type MarketSpec } from './markets.ts';
import { deriveSeed, Prng } from './prng.ts';

export interface SeedOptions {
  symbols?: number;
  days?: number;
  liquidations?: number;
  seed?: number;
  /** First candle's open time, ms, aligned to a day. Fixed by default so output never depends on today. */
  start?: number;
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
  candles: Record<Interval, number>;
  liquidations: number;
  method: LoadMethod;
  seconds: { candles: number; liquidations: number; checksum: number };
  rowsPerSecond: { candles: number; liquidations: number };
  checksum: string;
}

export const DEFAULT_SEED_START = Date.UTC(2024, 0, 1);

export const seedOptionsSchema = z.object({
  symbols: z.number().int().min(1).max(MAX_SEED_SYMBOLS).default(3),
  days: z.number().int().min(1).max(90).default(2),
  liquidations: z.number().int().min(0).max(50_000_000).default(10_000),
  seed: z.number().int().min(0).max(0xffffffff).default(42),
  start: z
    .number()
    .int()
    .min(0)
    .refine((v) => v % INTERVAL_MS['1d'] === 0, 'start must be aligned to a UTC day')
    .default(DEFAULT_SEED_START),
  method: z.enum(['auto', 'load-data', 'insert']).default('auto'),
});

const CANDLE_COLUMNS = ['symbol_id', 'interval', 'open_time', 'open', 'high', 'low', 'close', 'volume', 'quote_volume', 'trades'] as const;

const PER_MINUTES: Record<Interval, number> = { '1m': 1, '5m': 5, '15m': 15, '1h': 60, '4h': 240, '1d': 1440 };

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
 * Replaces all market data with a deterministic synthetic set: same options, same rows, same
 * checksum. 1m candles come from a random walk; higher intervals are exact aggregates of them.
 */
export async function seed(
  database: Database,
  options: SeedOptions & { onProgress?: (p: SeedProgress) => void } = {},
): Promise<SeedReport> {
  const parsed = seedOptionsSchema.safeParse({ ...options, onProgress: undefined });
  if (!parsed.success) throw new InvalidQueryError(`invalid seed options: ${parsed.error.message}`);
  const o = parsed.data;
  const onProgress = options.onProgress ?? (() => undefined);
  const specs = markets(o.symbols);
  const minutes = o.days * 1440;

  await withConnection(database, async (conn) => {
    // TRUNCATE is refused on a table referenced by a foreign key, even an empty one.
    await conn.query('SET FOREIGN_KEY_CHECKS = 0');
    try {
      for (const t of ['liquidation_orders', 'candles', 'symbols']) await conn.query(`TRUNCATE TABLE ${t}`);
    } finally {
      await conn.query('SET FOREIGN_KEY_CHECKS = 1');
    }
  });
  forgetSymbols(database);
  const ids = await ensureSymbols(
    database,
    specs.map((s) => ({ name: s.name, base: s.base, quote: s.quote })),
  );

  const candleCounts = Object.fromEntries(INTERVALS.map((iv) => [iv, specs.length * Math.ceil(minutes / PER_MINUTES[iv])])) as Record<
    Interval,
    number
  >;
  const candleTotal = Object.values(candleCounts).reduce((a, b) => a + b, 0);

  function* candleRows(): Generator<(string | number)[]> {
    for (const [index, spec] of specs.entries()) {
      const id = ids.get(spec.name)!;
      const m = walkFor(spec, index, minutes, o.seed);
      for (const iv of INTERVALS) {
        const a = aggregate(m, o.start, PER_MINUTES[iv]);
        for (let i = 0; i < a.n; i++) {
          yield [
            id,
            iv,
            a.time[i]!,
            formatScaled(a.open[i]!, spec.priceDecimals),
            formatScaled(a.high[i]!, spec.priceDecimals),
            formatScaled(a.low[i]!, spec.priceDecimals),
            formatScaled(a.close[i]!, spec.priceDecimals),
            formatScaled(a.volume[i]!, spec.lotDecimals),
            formatScaled(a.quoteCents[i]!, 2),
            a.trades[i]!,
          ];
        }
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
      yield* generateLiquidations(spec, ids.get(spec.name)!, m, o.start, perMarket[index]!, rng);
    }
  }

  let method: LoadMethod = o.method === 'auto' ? 'load-data' : o.method;
  const load = async (table: string, columns: readonly string[], rows: () => Iterable<(string | number)[]>, total: number) =>
    withConnection(database, async (conn) => {
      // Rows are unique and reference existing symbols by construction: skip the checks.
      await conn.query('SET unique_checks = 0, foreign_key_checks = 0');
      try {
        let done = 0;
        const progress = (n: number) => {
          done += n;
          onProgress({ table, done, total });
        };
        onProgress({ table, done: 0, total });
        try {
          return await bulkLoad(conn, table, columns, rows(), method, progress);
        } catch (err) {
          if (o.method !== 'auto' || method !== 'load-data' || !isLocalInfileRefused(err)) throw err;
          method = 'insert';
          done = 0;
          return await bulkLoad(conn, table, columns, rows(), method, progress);
        }
      } finally {
        await conn.query('SET unique_checks = 1, foreign_key_checks = 1');
      }
    });

  let t0 = performance.now();
  await load('candles', CANDLE_COLUMNS, candleRows, candleTotal);
  const candleSeconds = (performance.now() - t0) / 1000;
  t0 = performance.now();
  await load('liquidation_orders', SEED_LIQUIDATION_COLUMNS, liquidationRows, o.liquidations);
  const liqSeconds = (performance.now() - t0) / 1000;
  t0 = performance.now();
  const checksum = await dataChecksum(database);
  const checksumSeconds = (performance.now() - t0) / 1000;
  return {
    symbols: specs.map((s) => s.name),
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
