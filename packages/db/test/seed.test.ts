import { candleOpenTime, INTERVALS, ROLLUP_INTERVALS } from '@wick/market';
import type { RowDataPacket } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestDatabase,
  InvalidQueryError,
  latestMinuteCandle,
  seed,
  upsertCandles,
  type SeedReport,
  type TestDatabase,
} from '../src/index.ts';
import { rollUpFromScratch, storedCandles } from './support/rollup-oracle.ts';

let db: TestDatabase;
const DAY = 86_400_000;
const START = Date.UTC(2024, 0, 1);
const OPTS = { symbols: 3, days: 2, liquidations: 20_000, seed: 42, start: START };

beforeAll(async () => {
  db = await createTestDatabase('wick_test_db_seed');
});
afterAll(async () => {
  await db?.drop();
});

async function countsByInterval(): Promise<Record<string, number>> {
  const [rows] = await db.pool.query<RowDataPacket[]>('SELECT `interval` AS iv, COUNT(*) AS n FROM candles GROUP BY `interval`');
  return Object.fromEntries(rows.map((r) => [String(r.iv), Number(r.n)]));
}

async function expectDerivedFromMinutes(report: SeedReport): Promise<void> {
  expect(await countsByInterval()).toEqual(report.candles);
  for (const symbol of report.symbols) {
    const minutes = await storedCandles(db, symbol, '1m');
    for (const iv of ROLLUP_INTERVALS)
      expect(await storedCandles(db, symbol, iv), `${symbol} ${iv}`).toEqual(rollUpFromScratch(minutes, iv));
  }
}

describe('seed', () => {
  it('is deterministic for an explicit span: same flags, same checksum, with either load method', async () => {
    const a = await seed(db, OPTS);
    const b = await seed(db, { ...OPTS, method: 'insert' });
    expect(b.checksum).toBe(a.checksum);
    const c = await seed(db, { ...OPTS, seed: 43 });
    expect(c.checksum).not.toBe(a.checksum);
    // The same span named by its end instead of its start.
    const d = await seed(db, { ...OPTS, start: undefined, end: START + 2 * DAY });
    expect(d.checksum).toBe(a.checksum);
    expect(d.span).toEqual({ start: START, end: START + 2 * DAY });
    expect(d.candles).toEqual({ '1m': 3 * 2 * 1440, '5m': 3 * 2 * 288, '15m': 3 * 2 * 96, '1h': 3 * 48, '4h': 3 * 12, '1d': 3 * 2 });
    const [n] = await db.pool.query<RowDataPacket[]>('SELECT COUNT(*) AS n FROM liquidation_orders');
    expect(Number(n[0]!.n)).toBe(OPTS.liquidations);
  });

  it('derives every higher interval from the 1m candles by the roll-up', async () => {
    await expectDerivedFromMinutes(await seed(db, OPTS));
  });

  it('liquidations look like a market: both sides, ties, heavy tail, clustered', async () => {
    const [statRows] = await db.pool.query<RowDataPacket[]>(
      "SELECT SUM(side = 'BUY') AS buys, SUM(side = 'SELL') AS sells, COUNT(DISTINCT symbol_id, order_trade_time) AS stamps, COUNT(*) AS n" +
        ' FROM liquidation_orders',
    );
    const stats = statRows[0];
    expect(Number(stats!.buys)).toBeGreaterThan(2000);
    expect(Number(stats!.sells)).toBeGreaterThan(2000);
    expect(Number(stats!.stamps)).toBeLessThan(Number(stats!.n) * 0.8);
    const [usd] = await db.pool.query<RowDataPacket[]>(
      'SELECT average_price * accumulated_fill_quantity AS usd FROM liquidation_orders ORDER BY usd',
    );
    const values = usd.map((r) => Number(r.usd));
    const median = values[Math.floor(values.length / 2)]!;
    expect(values[values.length - 1]! / median).toBeGreaterThan(100);
    // Busiest minute vs the median minute: liquidations cluster where price moves fast.
    const [minutes] = await db.pool.query<RowDataPacket[]>(
      'SELECT COUNT(*) AS n FROM liquidation_orders GROUP BY symbol_id, order_trade_time DIV 60000 ORDER BY n',
    );
    const counts = minutes.map((r) => Number(r.n));
    expect(counts[counts.length - 1]! / counts[Math.floor(counts.length / 2)]!).toBeGreaterThan(10);
  });

  it('by default ends at the present: the last 1m candle is the open minute, nothing after now', async () => {
    const before = Date.now();
    const report = await seed(db, { symbols: 2, days: 1, liquidations: 5_000, seed: 7 });
    const after = Date.now();
    expect(report.candles['1m']).toBe(2 * 1440);
    expect(report.span.end - report.span.start).toBe(DAY);
    for (const symbol of report.symbols) {
      const last = await latestMinuteCandle(db, symbol);
      expect(last!.time).toBe(report.span.end - 60_000);
      expect(last!.time).toBeGreaterThanOrEqual(candleOpenTime('1m', before));
      expect(last!.time).toBeLessThanOrEqual(candleOpenTime('1m', after));
    }
    const [latest] = await db.pool.query<RowDataPacket[]>('SELECT MAX(order_trade_time) AS t, COUNT(*) AS n FROM liquidation_orders');
    expect(Number(latest[0]!.n)).toBe(5_000);
    expect(Number(latest[0]!.t)).toBeLessThanOrEqual(after);
    // The span need not start at midnight: the first and last buckets are partial roll-ups.
    await expectDerivedFromMinutes(report);
    const days = await storedCandles(db, report.symbols[0]!, '1d');
    expect(days.map((d) => d.time)).toEqual([
      ...new Set([candleOpenTime('1d', report.span.start), candleOpenTime('1d', report.span.end - 1)]),
    ]);
    expect(INTERVALS.every((iv) => report.candles[iv] > 0)).toBe(true);
  });

  it('gives every series it creates one head at the clock base with no last candle: the first write after it is not tail-only', async () => {
    const before = Date.now() * 1000;
    const report = await seed(db, { ...OPTS, liquidations: 0 });
    const [heads] = await db.pool.query<RowDataPacket[]>(
      'SELECT s.name, h.`interval` AS iv, h.rev, h.last_open_time AS last FROM series_heads h JOIN symbols s ON s.id = h.symbol_id',
    );
    expect(heads).toHaveLength(report.symbols.length * INTERVALS.length);
    const base = Number(heads[0]!.rev);
    // The database's clock in µs (it runs on this machine: 1 s of slack), one value for the statement.
    expect(base).toBeGreaterThanOrEqual(before - 1_000_000);
    expect(base).toBeLessThanOrEqual(Date.now() * 1000 + 1_000_000);
    for (const h of heads) expect([h.name, h.iv, Number(h.rev), h.last]).toEqual([h.name, h.iv, base, null]);
    // A cache may hold this series from the data the seed replaced, and nobody may have told it:
    // the first write through Wick must retire it (not tail-only), at a rev above every older one.
    const symbol = report.symbols[0]!;
    const end = report.span.end;
    const last = (await latestMinuteCandle(db, symbol))!;
    const { series } = await upsertCandles(db, symbol, '1m', [{ ...last, time: end, open: last.close, high: last.close, low: last.close }]);
    expect(series.map((s) => [s.interval, s.rev, s.tailOnly])).toEqual(INTERVALS.map((iv) => [iv, base + 1, false]));
    expect(series.map((s) => s.tail.time.at(-1))).toEqual(INTERVALS.map((iv) => candleOpenTime(iv, end)));
    // From then on a feed continues it tail-only.
    const next = await upsertCandles(db, symbol, '1m', [{ ...last, time: end, open: last.close, high: last.close + 1, low: last.close }]);
    expect(next.series.map((s) => [s.interval, s.rev, s.tailOnly])).toEqual(INTERVALS.map((iv) => [iv, base + 2, true]));
  });

  it('a second seed of the same database hands out revs above every rev of the first', async () => {
    const symbol = (await seed(db, { ...OPTS, liquidations: 0 })).symbols[0]!;
    const last = (await latestMinuteCandle(db, symbol))!;
    const bump = async () =>
      (await upsertCandles(db, symbol, '1m', [{ ...last, close: last.close + 1, high: Math.max(last.high, last.close + 1) }])).series;
    const first = await bump();
    await seed(db, { ...OPTS, liquidations: 0 });
    const second = await bump();
    expect(second.map((s) => s.interval)).toEqual(first.map((s) => s.interval));
    for (const [i, s] of second.entries()) expect(s.rev, s.interval).toBeGreaterThan(first[i]!.rev);
  });

  it('refuses a span it cannot honour', async () => {
    await expect(seed(db, { start: START + 1 })).rejects.toBeInstanceOf(InvalidQueryError);
    await expect(seed(db, { start: START, end: START })).rejects.toBeInstanceOf(InvalidQueryError);
    await expect(seed(db, { start: START, end: START + 91 * DAY })).rejects.toThrow(/at most 90 days/);
  });
});
