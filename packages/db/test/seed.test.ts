import type { RowDataPacket } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, INTERVAL_MS, INTERVALS, seed, type TestDatabase } from '../src/index.ts';
import { units } from './exact.ts';

let db: TestDatabase;
const OPTS = { symbols: 3, days: 2, liquidations: 20_000, seed: 42 };

beforeAll(async () => {
  db = await createTestDatabase('wick_test_db_seed');
});
afterAll(async () => {
  await db?.drop();
});

describe('seed', () => {
  it('is deterministic: same flags, same checksum, with either load method', async () => {
    const a = await seed(db, OPTS);
    const b = await seed(db, { ...OPTS, method: 'insert' });
    expect(b.checksum).toBe(a.checksum);
    const c = await seed(db, { ...OPTS, seed: 43 });
    expect(c.checksum).not.toBe(a.checksum);
    const d = await seed(db, OPTS);
    expect(d.checksum).toBe(a.checksum);
    expect(d.candles['1m']).toBe(3 * 2 * 1440);
    const [n] = await db.pool.query<RowDataPacket[]>('SELECT COUNT(*) AS n FROM liquidation_orders');
    expect(Number(n[0]!.n)).toBe(OPTS.liquidations);
  });

  it('higher intervals are exact aggregates of the 1m candles', async () => {
    for (const iv of INTERVALS.slice(1)) {
      const ms = INTERVAL_MS[iv];
      // Exact decimals compared as strings: SUM keeps the column's scale.
      const [rows] = await db.pool.query<RowDataPacket[]>(
        'SELECT h.symbol_id, h.open_time, h.open, h.high, h.low, h.close, h.volume, h.quote_volume, h.trades, a.*' +
          ' FROM candles h JOIN (SELECT symbol_id AS sid, (open_time DIV ?) * ? AS t, MAX(high) AS mh, MIN(low) AS ml,' +
          ' SUM(volume) AS mv, SUM(quote_volume) AS mq, SUM(trades) AS mt, COUNT(*) AS n, MIN(open_time) AS first,' +
          " MAX(open_time) AS last FROM candles WHERE `interval` = '1m' GROUP BY sid, t) a" +
          ' ON a.sid = h.symbol_id AND a.t = h.open_time WHERE h.`interval` = ?',
        [ms, ms, iv],
      );
      expect(rows.length).toBe(3 * Math.ceil((2 * 86_400_000) / ms));
      const [edges] = await db.pool.query<RowDataPacket[]>("SELECT symbol_id, open_time, open, close FROM candles WHERE `interval` = '1m'");
      const byKey = new Map(edges.map((e) => [`${e.symbol_id}:${e.open_time}`, e]));
      for (const r of rows) {
        expect(Number(r.n)).toBe(ms / 60_000);
        expect([r.high, r.low, units(r.volume, 10), units(r.quote_volume, 10), Number(r.trades)]).toEqual([
          r.mh,
          r.ml,
          units(r.mv, 10),
          units(r.mq, 10),
          Number(r.mt),
        ]);
        expect(r.open).toBe(byKey.get(`${r.symbol_id}:${r.first}`)!.open);
        expect(r.close).toBe(byKey.get(`${r.symbol_id}:${r.last}`)!.close);
      }
    }
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
});
