import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LiquidationRow } from '@wick/market';
import type { RowDataPacket } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestDatabase,
  ensureSymbols,
  importCsv,
  insertLiquidations,
  InvalidQueryError,
  listLiquidations,
  MAX_LIQUIDATIONS_PER_INSERT,
  UnknownSymbolError,
  type LiquidationEvent,
  type TestDatabase,
} from '../src/index.ts';
import { units, unitsToString } from './support/exact.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase('wick_test_db_liquidation_ingest', { connectionLimit: 4 });
  await ensureSymbols(db, [
    { name: 'BTCUSDT', base: 'BTC', quote: 'USDT' },
    { name: 'ETHUSDT', base: 'ETH', quote: 'USDT' },
  ]);
});
afterAll(async () => {
  await db?.drop();
});

const T0 = Date.UTC(2024, 5, 1, 12);

function event(i: number, over: Partial<LiquidationEvent> = {}): LiquidationEvent {
  return {
    symbol: i % 3 === 0 ? 'ETHUSDT' : 'BTCUSDT',
    side: i % 2 === 0 ? 'SELL' : 'BUY',
    orderType: 'LIMIT',
    timeInForce: 'IOC',
    originalQuantity: `${1 + i}.${String(i * 7).padStart(3, '0')}`,
    price: `${60_000 + i}.5`,
    averagePrice: `${60_001 + i}.25`,
    orderStatus: 'FILLED',
    lastFillQuantity: `${1 + i}.${String(i * 7).padStart(3, '0')}`,
    accumulatedFillQuantity: `${1 + i}.${String(i * 7).padStart(3, '0')}`,
    orderTradeTime: T0 + Math.floor(i / 2) * 1000,
    ...over,
  };
}

async function count(): Promise<number> {
  const [rows] = await db.pool.query<RowDataPacket[]>('SELECT COUNT(*) AS n FROM liquidation_orders');
  return Number(rows[0]!.n);
}

/** averagePrice × accumulatedFillQuantity at scale 10, rounded half away from zero as the server's DECIMAL cast does. */
function exactUsd(e: { averagePrice: string; accumulatedFillQuantity: string }): string {
  const product = units(e.averagePrice, 10) * units(e.accumulatedFillQuantity, 10);
  return unitsToString((product + 5n * 10n ** 9n) / 10n ** 10n, 10);
}

/** Stored decimal text (scale 10) of an exact decimal string. */
const stored = (decimal: string) => unitsToString(units(decimal, 10), 10);

function expectRowOf(row: LiquidationRow, e: LiquidationEvent): void {
  expect(row).toEqual({
    id: row.id,
    symbol: e.symbol,
    side: e.side,
    orderType: e.orderType,
    timeInForce: e.timeInForce,
    originalQuantity: stored(e.originalQuantity),
    price: stored(e.price),
    averagePrice: stored(e.averagePrice),
    orderStatus: e.orderStatus,
    lastFillQuantity: stored(e.lastFillQuantity),
    accumulatedFillQuantity: stored(e.accumulatedFillQuantity),
    orderTradeTime: e.orderTradeTime,
    usd: exactUsd(e),
  });
}

describe('liquidation ingest', () => {
  it('returns the new rows with their ids and exact usd; re-sending changes nothing and returns nothing', async () => {
    const events = Array.from({ length: 8 }, (_, i) => event(i));
    // A usd beyond a double's 15–17 digits, and one that rounds at the 10th decimal.
    events.push(
      event(8, { averagePrice: '98765432109876.5432109876', accumulatedFillQuantity: '12345678901234567890.0000000001' }),
      event(9, { averagePrice: '0.0000012345', accumulatedFillQuantity: '0.5' }),
    );
    const rows = await insertLiquidations(db, events);
    expect(rows).toHaveLength(10);
    expect(rows.map((r) => r.id)).toEqual([...rows.map((r) => r.id)].sort((a, b) => a - b));
    const byTimeKey = (r: { orderTradeTime: number; price: string }) => `${r.orderTradeTime}|${Number(r.price)}`;
    const bySent = new Map(events.map((e) => [byTimeKey(e), e]));
    for (const r of rows) expectRowOf(r, bySent.get(byTimeKey(r))!);
    expect(rows.find((r) => r.orderTradeTime === events[9]!.orderTradeTime && r.price === stored(events[9]!.price))!.usd).toBe(
      '0.0000006173',
    );
    // What the read path serves for those rows.
    const listed = await listLiquidations(db, { limit: 100 });
    expect([...listed.rows].sort((a, b) => a.id - b.id)).toEqual(rows);

    const before = await count();
    expect(await insertLiquidations(db, events)).toEqual([]);
    expect(await count()).toBe(before);
  });

  it('a mixed batch returns only its new rows: stored ones, repeats within the batch and equal decimals spelled otherwise are not new', async () => {
    const stored0 = event(0);
    const before = await count();
    const fresh = [event(20), event(21), event(22)];
    const rows = await insertLiquidations(db, [
      fresh[0]!,
      // The natural key compares decimals by value: "60000.50" is the stored "60000.5".
      { ...stored0, price: `${stored0.price}0`, originalQuantity: `0${stored0.originalQuantity}` },
      fresh[1]!,
      fresh[0]!,
      { ...fresh[2]!, averagePrice: '1' },
      fresh[2]!,
    ]);
    expect(rows).toHaveLength(3);
    expect(await count()).toBe(before + 3);
    // The first of two events with one natural key is the one stored.
    expectRowOf(
      rows.find((r) => r.orderTradeTime === fresh[2]!.orderTradeTime && r.price === stored(fresh[2]!.price))!,
      {
        ...fresh[2]!,
        averagePrice: '1',
      },
    );
    expect(new Set(rows.map((r) => r.id)).size).toBe(3);
    expect(await insertLiquidations(db, fresh)).toEqual([]);
  });

  it('two callers sending overlapping batches at once store each liquidation once and return it once', async () => {
    const events = Array.from({ length: 40 }, (_, i) => event(100 + i));
    const before = await count();
    for (let round = 0; round < 3; round++) {
      const batch = events.slice(round * 10, round * 10 + 20);
      const [a, b] = await Promise.all([insertLiquidations(db, batch), insertLiquidations(db, [...batch].reverse())]);
      const ids = [...a, ...b].map((r) => r.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids.length).toBe(round === 0 ? 20 : 10);
    }
    expect(await count()).toBe(before + 40);
  });

  it('a liquidation the CSV import stored is not new to the ingest, and the other way round', async () => {
    const e = event(300, { symbol: 'BTCUSDT' });
    const [row] = await insertLiquidations(db, [e]);
    expect(row).toBeDefined();
    const dir = await mkdtemp(join(tmpdir(), 'wick-liq-ingest-'));
    try {
      const line = (x: LiquidationEvent) =>
        [
          x.orderTradeTime,
          x.side,
          x.orderType,
          x.timeInForce,
          x.originalQuantity,
          x.price,
          x.averagePrice,
          x.orderStatus,
          x.lastFillQuantity,
          x.accumulatedFillQuantity,
        ].join(',');
      const next = event(301, { symbol: 'BTCUSDT' });
      const file = join(dir, 'BTCUSDT-liquidationSnapshot.csv');
      await writeFile(file, `${line(e)}\n${line(next)}\n`);
      const report = await importCsv(db, { file, kind: 'liquidations', symbol: 'BTCUSDT' });
      expect([report.inserted, report.unchanged]).toEqual([1, 1]);
      expect(await insertLiquidations(db, [next, e])).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('checks every event first: unknown symbols, fields that do not fit their column, the batch size', async () => {
    const before = await count();
    await expect(insertLiquidations(db, [event(400), event(401, { symbol: 'NOPEUSDT' })])).rejects.toBeInstanceOf(UnknownSymbolError);
    const refused = async (over: Partial<LiquidationEvent>) => {
      const err = await insertLiquidations(db, [event(402), event(403, over)]).catch((e: unknown) => e);
      expect(err, JSON.stringify(over)).toBeInstanceOf(InvalidQueryError);
      return (err as Error).message;
    };
    expect(await refused({ price: '1.00000000001' })).toMatch(/^liquidation 1: price .*more than 10 decimals/);
    expect(await refused({ averagePrice: '123456789012345' })).toMatch(/averagePrice .*more than 14 integer digits/);
    expect(await refused({ accumulatedFillQuantity: '-1' })).toMatch(/accumulatedFillQuantity is not a non-negative decimal/);
    expect(await refused({ originalQuantity: 1 as unknown as string })).toMatch(/originalQuantity must be a decimal string/);
    expect(await refused({ side: 'LONG' as LiquidationEvent['side'] })).toMatch(/side must be BUY or SELL/);
    expect(await refused({ orderType: 'limit' })).toMatch(/orderType is not a word/);
    expect(await refused({ timeInForce: 'GOOD_TILL_CANCEL' })).toMatch(/timeInForce is not a word of at most 8/);
    expect(await refused({ orderTradeTime: 1.5 })).toMatch(/orderTradeTime must be a non-negative integer of ms/);
    expect(await refused({ orderTradeTime: -1 })).toMatch(/orderTradeTime/);
    const tooMany = Array.from({ length: MAX_LIQUIDATIONS_PER_INSERT + 1 }, (_, i) => event(i));
    await expect(insertLiquidations(db, tooMany)).rejects.toBeInstanceOf(InvalidQueryError);
    expect(await count()).toBe(before);
    expect(await insertLiquidations(db, [])).toEqual([]);
  });
});
