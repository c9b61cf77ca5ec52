import { ensureSymbols, upsertCandles, type CandleInput, type TestDatabase } from '@wick/db';
import { INTERVAL_MS } from '@wick/market';
import { randomWalkCandles } from '@wick/testkit';

export const SYMBOLS = ['BTCUSDT', 'ETHUSDT'] as const;
export const MINUTE = INTERVAL_MS['1m'];
/** Fixture candles end here: a fixed instant, so windows are reproducible. */
export const T0 = Date.UTC(2024, 0, 1);
export const FIXTURE_MINUTES = 3000;

/** A seed per symbol name, so each series walks its own way and always the same way. */
function seedOf(symbol: string): number {
  return [...symbol].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7);
}

/**
 * `count` 1m candles of `symbol` from `start` (by default ending just before T0): the shared seeded
 * walk, in cents, so every value survives the DECIMAL columns exactly.
 */
export function fixtureCandles(symbol: string, count: number, start = T0 - count * MINUTE): CandleInput[] {
  return randomWalkCandles(count, {
    seed: seedOf(symbol),
    startPrice: symbol.startsWith('BTC') ? 42_000 : 2_300,
    startTime: start,
    interval: '1m',
    step: 0.004,
    priceDecimals: 2,
    volumeDecimals: 2,
  });
}

/** The fixture every server test starts from: SYMBOLS with FIXTURE_MINUTES 1m candles each, ending before T0. */
export async function seedFixture(database: TestDatabase): Promise<void> {
  await ensureSymbols(
    database,
    SYMBOLS.map((name) => ({ name, base: name.replace('USDT', ''), quote: 'USDT' })),
  );
  for (const symbol of SYMBOLS) {
    const candles = fixtureCandles(symbol, FIXTURE_MINUTES);
    for (let i = 0; i < candles.length; i += 1000) await upsertCandles(database, symbol, '1m', candles.slice(i, i + 1000));
  }
}
