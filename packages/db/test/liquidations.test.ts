import { LIQUIDATION_COLUMNS, type LiquidationRow } from '@wick/market';
import { Prng } from '@wick/testkit';
import type { ResultSetHeader } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestDatabase,
  ensureSymbols,
  listLiquidations,
  streamLiquidations,
  streamLiquidationsRaw,
  summarizeLiquidations,
  InvalidQueryError,
  MAX_BUCKETS_PER_SUMMARY_QUERY,
  type KeysetCursor,
  type LiquidationFilter,
  type TestDatabase,
} from '../src/index.ts';
import { units, unitsToString } from './support/exact.ts';

let db: TestDatabase;
let all: LiquidationRow[] = [];
const SYMBOLS = ['BTCUSDT', 'ETHUSDT', 'SOLUSDT'];
const T0 = 1_700_000_000_000;

async function insertRows(n: number, rng: Prng, times: number[]): Promise<void> {
  const rows: unknown[][] = [];
  for (let i = 0; i < n; i++) {
    const symbolId = 1 + rng.int(SYMBOLS.length);
    const qty = `${rng.int(5000)}.${String(rng.int(1000)).padStart(3, '0')}`;
    const avg = `${1 + rng.int(70000)}.${String(rng.int(100)).padStart(2, '0')}`;
    const filled = rng.next() < 0.1 ? '0.5' : qty;
    rows.push([
      symbolId,
      rng.next() < 0.5 ? 'BUY' : 'SELL',
      'LIMIT',
      'IOC',
      qty,
      avg,
      avg,
      'FILLED',
      filled,
      filled,
      times[rng.int(times.length)],
    ]);
  }
  await db.pool.query(
    'INSERT INTO liquidation_orders (symbol_id, side, order_type, time_in_force, original_quantity, price, average_price,' +
      ' order_status, last_fill_quantity, accumulated_fill_quantity, order_trade_time) VALUES ? ON DUPLICATE KEY UPDATE id = id',
    [rows],
  );
}

async function loadAll(): Promise<LiquidationRow[]> {
  const out: LiquidationRow[] = [];
  for await (const r of streamLiquidations(db, {})) out.push(r);
  return out;
}

const usdUnits = (r: LiquidationRow) => units(r.averagePrice, 10) * units(r.accumulatedFillQuantity, 10);

function bruteForce(rows: LiquidationRow[], f: LiquidationFilter): LiquidationRow[] {
  return rows
    .filter(
      (r) =>
        (f.symbol === undefined || r.symbol === f.symbol) &&
        (f.side === undefined || r.side === f.side) &&
        (f.from === undefined || r.orderTradeTime >= f.from) &&
        (f.to === undefined || r.orderTradeTime <= f.to) &&
        (f.minUsd === undefined || usdUnits(r) >= BigInt(f.minUsd) * 10n ** 20n),
    )
    .sort((a, b) => b.orderTradeTime - a.orderTradeTime || b.id - a.id);
}

async function walk(f: LiquidationFilter, limit: number, onPage?: (page: number, next: KeysetCursor) => Promise<void>) {
  const seen: LiquidationRow[] = [];
  let after: KeysetCursor | undefined;
  for (let page = 0; page < 10_000; page++) {
    const r = await listLiquidations(db, { ...f, after, limit });
    expect(r.rows.length).toBeLessThanOrEqual(limit);
    seen.push(...r.rows);
    if (!r.next) break;
    expect(r.rows.length).toBe(limit);
    await onPage?.(page, r.next);
    after = r.next;
  }
  return seen;
}

beforeAll(async () => {
  db = await createTestDatabase('wick_test_db_liquidations', { connectionLimit: 3 });
  await ensureSymbols(
    db,
    SYMBOLS.map((name) => ({ name, base: name.slice(0, 3), quote: 'USDT' })),
  );
  // 40 distinct timestamps for 2,400 rows: ~60 rows share every timestamp.
  const times = Array.from({ length: 40 }, (_, i) => T0 + i * 7_919);
  await insertRows(2400, new Prng(7), times);
  all = await loadAll();
});
afterAll(async () => {
  await db?.drop();
});

describe('liquidations', () => {
  it('has the data the tests rely on: many ties, both sides, all symbols', () => {
    expect(all.length).toBeGreaterThan(2300);
    expect(new Set(all.map((r) => r.orderTradeTime)).size).toBe(40);
    expect(new Set(all.map((r) => r.side)).size).toBe(2);
    expect(new Set(all.map((r) => r.symbol)).size).toBe(3);
    const r = all[0]!;
    expect(r.usd).toBe(unitsToString(usdUnits(r) / 10n ** 10n, 10));
  });

  it('keyset walk visits every row exactly once, newest first', async () => {
    for (const limit of [7, 60, 500]) {
      const seen = await walk({}, limit);
      expect(seen.map((r) => r.id)).toEqual(bruteForce(all, {}).map((r) => r.id));
    }
  });

  it('every filter combination agrees with a brute-force scan', async () => {
    const mid = T0 + 20 * 7_919;
    for (const symbol of [undefined, 'BTCUSDT', 'SOLUSDT']) {
      for (const side of [undefined, 'BUY', 'SELL'] as const) {
        for (const [from, to] of [
          [undefined, undefined],
          [mid, undefined],
          [undefined, mid],
          [T0 + 7_919, mid],
        ] as const) {
          for (const minUsd of [undefined, 50_000_000]) {
            const f: LiquidationFilter = { symbol, side, from, to, minUsd };
            const expected = bruteForce(all, f).map((r) => r.id);
            const seen = await walk(f, 97);
            expect(
              seen.map((r) => r.id),
              JSON.stringify(f),
            ).toEqual(expected);
          }
        }
      }
    }
  });

  it('rows inserted mid-walk cause no duplicate and no skip', async () => {
    const before = bruteForce(all, {});
    let cursorAtInsert: KeysetCursor | undefined;
    const seen = await walk({}, 100, async (page, next) => {
      if (page !== 5) return;
      cursorAtInsert = next;
      // New rows at the cursor's own timestamp (higher ids: already "passed"), older, and newer.
      await insertRows(300, new Prng(99), [next.time, next.time - 7_919, T0 + 1_000_000, T0 - 5]);
    });
    const ids = seen.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (let i = 1; i < seen.length; i++) {
      const a = seen[i - 1]!;
      const b = seen[i]!;
      expect(a.orderTradeTime > b.orderTradeTime || (a.orderTradeTime === b.orderTradeTime && a.id > b.id)).toBe(true);
    }
    const seenSet = new Set(ids);
    expect(before.every((r) => seenSet.has(r.id))).toBe(true);
    const after = await loadAll();
    const c = cursorAtInsert!;
    const expectedNew = after.filter(
      (r) => !before.some((b) => b.id === r.id) && (r.orderTradeTime < c.time || (r.orderTradeTime === c.time && r.id < c.id)),
    );
    expect(expectedNew.length).toBeGreaterThan(0);
    expect(expectedNew.every((r) => seenSet.has(r.id))).toBe(true);
    expect(ids.length).toBe(before.length + expectedNew.length);
    all = after;
  });

  it('summary buckets equal sums over the raw rows', async () => {
    const bucketMs = 30_000;
    for (const symbol of [undefined, 'ETHUSDT']) {
      const from = T0 + 3_000;
      const to = T0 + 39 * 7_919;
      const got = await summarizeLiquidations(db, { symbol, from, to, bucketMs });
      const rows = bruteForce(all, { symbol, from, to });
      const first = Math.floor(from / bucketMs) * bucketMs;
      expect(got[0]!.bucket).toBe(first);
      expect(got[got.length - 1]!.bucket).toBe(Math.floor(to / bucketMs) * bucketMs);
      const expected = new Map<number, { long: bigint; short: bigint; lc: number; sc: number }>();
      for (const r of rows) {
        const b = Math.floor(r.orderTradeTime / bucketMs) * bucketMs;
        const e = expected.get(b) ?? { long: 0n, short: 0n, lc: 0, sc: 0 };
        if (r.side === 'SELL') {
          e.long += usdUnits(r);
          e.lc++;
        } else {
          e.short += usdUnits(r);
          e.sc++;
        }
        expected.set(b, e);
      }
      for (const g of got) {
        const e = expected.get(g.bucket) ?? { long: 0n, short: 0n, lc: 0, sc: 0 };
        expect(g).toEqual({
          bucket: g.bucket,
          longUsd: Number(unitsToString(e.long, 20)),
          shortUsd: Number(unitsToString(e.short, 20)),
          longCount: e.lc,
          shortCount: e.sc,
        });
      }
      expect(got.reduce((n, g) => n + g.longCount + g.shortCount, 0)).toBe(rows.length);
    }
  });

  it('one summary query answers at most MAX_BUCKETS_PER_SUMMARY_QUERY buckets', async () => {
    const bucketMs = 1000;
    const from = T0;
    const atLimit = await summarizeLiquidations(db, { from, to: from + (MAX_BUCKETS_PER_SUMMARY_QUERY - 1) * bucketMs, bucketMs });
    expect(atLimit).toHaveLength(MAX_BUCKETS_PER_SUMMARY_QUERY);
    await expect(summarizeLiquidations(db, { from, to: from + MAX_BUCKETS_PER_SUMMARY_QUERY * bucketMs, bucketMs })).rejects.toBeInstanceOf(
      InvalidQueryError,
    );
  });

  it('streams every matching row, raw tuples in LIQUIDATION_COLUMNS order', async () => {
    const f: LiquidationFilter = { symbol: 'BTCUSDT', side: 'SELL' };
    const got: LiquidationRow[] = [];
    for await (const r of streamLiquidations(db, f)) got.push(r);
    expect(got).toEqual(bruteForce(all, f));
    const tuples: unknown[][] = [];
    for await (const batch of streamLiquidationsRaw(db, {}, { batchSize: 64 })) tuples.push(...batch);
    const expected = bruteForce(all, {});
    expect(tuples.length).toBe(expected.length);
    expect(LIQUIDATION_COLUMNS).toHaveLength(13);
    const e = expected[17]!;
    expect(tuples[17]).toEqual([
      e.id,
      e.symbol,
      e.side,
      e.orderType,
      e.timeInForce,
      e.originalQuantity,
      e.price,
      e.averagePrice,
      e.orderStatus,
      e.lastFillQuantity,
      e.accumulatedFillQuantity,
      e.orderTradeTime,
      e.usd,
    ]);
  });

  it('stopping a stream early releases its connection', async () => {
    await db.ping();
    for (let i = 0; i < 8; i++) {
      let n = 0;
      for await (const _ of streamLiquidations(db, {})) if (++n === 10) break;
      expect(n).toBe(10);
      expect(db.poolStats().inUse).toBe(0);
    }
    const ac = new AbortController();
    let n = 0;
    await expect(
      (async () => {
        for await (const _ of streamLiquidationsRaw(db, {}, { signal: ac.signal, batchSize: 10 })) if (++n === 3) ac.abort();
      })(),
    ).rejects.toThrow(/abort/i);
    expect(db.poolStats().inUse).toBe(0);
    // The pool (3 connections) still serves: nothing leaked.
    await Promise.all(Array.from({ length: 6 }, () => listLiquidations(db, { limit: 5 })));
    const stats = db.poolStats();
    expect(stats.inUse).toBe(0);
    expect(stats.queued).toBe(0);
    expect(stats.total).toBeLessThanOrEqual(3);
    // And the killed queries are gone from the server.
    const [procs] = await db.pool.query<ResultSetHeader & { Info: string | null }[]>(
      "SELECT info AS Info FROM information_schema.processlist WHERE db = 'wick_test_db_liquidations' AND info LIKE 'SELECT l.id%'",
    );
    expect(procs).toEqual([]);
  });
});
