import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestDatabase,
  ensureSymbols,
  getCandles,
  InvalidQueryError,
  listSymbols,
  UnknownSymbolError,
  upsertCandles,
  type CandleInput,
  type TestDatabase,
} from '../src/index.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase('wick_test_db_candles');
  await ensureSymbols(db, [
    { name: 'BTCUSDT', base: 'BTC', quote: 'USDT' },
    { name: 'PEPEUSDT', base: 'PEPE', quote: 'USDT' },
  ]);
});
afterAll(async () => {
  await db?.drop();
});

const candle = (i: number, p: number): CandleInput => ({
  time: i * 60_000,
  open: p,
  high: p * 1.01,
  low: p * 0.99,
  close: p * 1.001,
  volume: 12.5 + i,
});

describe('candles', () => {
  it('lists symbols', async () => {
    const names = (await listSymbols(db)).map((s) => s.name);
    expect(names).toEqual(['BTCUSDT', 'PEPEUSDT']);
  });

  it('upserts idempotently and reads ranges ascending, oldest-first or newest-first', async () => {
    const input = Array.from({ length: 100 }, (_, i) => candle(i, 60_000 + i));
    expect(await upsertCandles(db, 'BTCUSDT', '1m', input)).toEqual({ affected: 100 });
    expect(await upsertCandles(db, 'BTCUSDT', '1m', input)).toEqual({ affected: 0 });
    const changed = input.slice(0, 3).map((c) => ({ ...c, volume: c.volume + 1 }));
    expect(await upsertCandles(db, 'BTCUSDT', '1m', [...changed, candle(100, 1)])).toEqual({ affected: 4 });

    const first = await getCandles(db, { symbol: 'BTCUSDT', interval: '1m', from: 5 * 60_000, limit: 3 });
    expect(Array.from(first.time)).toEqual([5, 6, 7].map((i) => i * 60_000));
    expect(first.open[0]).toBe(60_005);
    expect(first.high[0]).toBe(Number((60_005 * 1.01).toFixed(10)));
    const newest = await getCandles(db, { symbol: 'BTCUSDT', interval: '1m', to: 50 * 60_000, limit: 3, newest: true });
    expect(Array.from(newest.time)).toEqual([48, 49, 50].map((i) => i * 60_000));
    const other = await getCandles(db, { symbol: 'BTCUSDT', interval: '5m', limit: 10 });
    expect(other.time.length).toBe(0);
  });

  it('keeps tiny prices exact to 10 decimals', async () => {
    const c: CandleInput = { time: 0, open: 0.0000012345, high: 0.0000012399, low: 0.00000123, close: 0.0000012388, volume: 1e12 };
    await upsertCandles(db, 'PEPEUSDT', '1m', [c]);
    const got = await getCandles(db, { symbol: 'PEPEUSDT', interval: '1m', limit: 1 });
    expect([got.open[0], got.high[0], got.low[0], got.close[0], got.volume[0]]).toEqual([c.open, c.high, c.low, c.close, c.volume]);
  });

  it('names its errors', async () => {
    await expect(upsertCandles(db, 'NOPEUSDT', '1m', [candle(0, 1)])).rejects.toBeInstanceOf(UnknownSymbolError);
    await expect(getCandles(db, { symbol: 'NOPEUSDT', interval: '1m', limit: 1 })).rejects.toBeInstanceOf(UnknownSymbolError);
    await expect(upsertCandles(db, 'BTCUSDT', '1m', [{ ...candle(0, 1), high: 0.5 }])).rejects.toBeInstanceOf(InvalidQueryError);
    await expect(upsertCandles(db, 'BTCUSDT', '1m', [{ ...candle(0, 1), time: 1 }])).rejects.toBeInstanceOf(InvalidQueryError);
    await expect(getCandles(db, { symbol: 'BTCUSDT', interval: '1m', limit: 0 })).rejects.toBeInstanceOf(InvalidQueryError);
  });
});
