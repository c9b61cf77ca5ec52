import { ROLLUP_INTERVALS } from '@wick/market';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, ensureSymbols, upsertCandles, type CandleInput, type TestDatabase } from '../src/index.ts';
import { rollUpFromScratch, scale10, storedCandles, type TextCandle } from './support/rollup-oracle.ts';

let db: TestDatabase;
let symbolId = 0;
const SYMBOL = 'BTCUSDT';
beforeAll(async () => {
  db = await createTestDatabase('wick_test_db_rollup_property');
  symbolId = (await ensureSymbols(db, [{ name: SYMBOL, base: 'BTC', quote: 'USDT' }])).get(SYMBOL)!;
});
afterAll(async () => {
  await db?.drop();
});

const MINUTE = 60_000;
/** A UTC midnight; 4h edges fall at −240, 0 and +240 minutes from it. */
const MIDNIGHT = Date.UTC(2024, 5, 30);

const minute = fc
  .oneof(
    // Dense around midnight and the 4h edges either side: many duplicates and corrections.
    { weight: 6, arbitrary: fc.integer({ min: -260, max: 260 }) },
    { weight: 3, arbitrary: fc.constantFrom(-241, -240, -239, -61, -60, -1, 0, 1, 14, 15, 59, 60, 239, 240, 241) },
    // Far away: gaps of days, and a bucket of its own.
    { weight: 1, arbitrary: fc.integer({ min: 3 * 1440, max: 3 * 1440 + 30 }) },
  )
  .map((m) => MIDNIGHT + m * MINUTE);

/** Prices in units of 10^-4, volumes of 10^-3: exact as JS numbers and as DECIMAL(…,10). */
const candle: fc.Arbitrary<CandleInput> = fc
  .record({
    time: minute,
    open: fc.integer({ min: 1, max: 90_000_000 }),
    close: fc.integer({ min: 1, max: 90_000_000 }),
    up: fc.integer({ min: 0, max: 50_000 }),
    down: fc.integer({ min: 0, max: 50_000 }),
    volume: fc.integer({ min: 0, max: 5_000_000_000 }),
    quote: fc.integer({ min: 0, max: 9_000_000_000 }),
    trades: fc.integer({ min: 0, max: 100_000 }),
  })
  .map((r) => ({
    time: r.time,
    open: r.open / 1e4,
    high: (Math.max(r.open, r.close) + r.up) / 1e4,
    low: Math.max(0, Math.min(r.open, r.close) - r.down) / 1e4,
    close: r.close / 1e4,
    volume: r.volume / 1e3,
    quoteVolume: r.quote / 1e2,
    trades: r.trades,
  }));

const asText = (c: CandleInput): TextCandle => ({
  time: c.time,
  open: scale10(c.open),
  high: scale10(c.high),
  low: scale10(c.low),
  close: scale10(c.close),
  volume: scale10(c.volume),
  quoteVolume: scale10(c.quoteVolume!),
  trades: c.trades!,
});

describe('roll-up property', () => {
  it('after any sequence of 1m upserts, every higher interval equals the from-scratch aggregate', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(candle, { minLength: 1, maxLength: 15 }), { minLength: 1, maxLength: 8 }), async (batches) => {
        // A fresh series: its candles and its heads (which know its last candles) go together.
        await db.pool.query('DELETE FROM candles WHERE symbol_id = ?', [symbolId]);
        await db.pool.query('DELETE FROM series_heads WHERE symbol_id = ?', [symbolId]);
        // The model: the last write of each minute wins, in batch order and within a batch.
        const model = new Map<number, CandleInput>();
        for (const batch of batches) {
          await upsertCandles(db, SYMBOL, '1m', batch);
          for (const c of batch) model.set(c.time, c);
        }
        const minutes = [...model.values()].sort((a, b) => a.time - b.time).map(asText);
        expect(await storedCandles(db, SYMBOL, '1m')).toEqual(minutes);
        for (const iv of ROLLUP_INTERVALS) {
          expect(await storedCandles(db, SYMBOL, iv), iv).toEqual(rollUpFromScratch(minutes, iv));
        }
      }),
      { numRuns: 40 },
    );
  }, 180_000);
});
