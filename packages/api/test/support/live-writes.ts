// Writes a live feed makes: the open candle changes, a new candle opens. Prices in cents and
// volumes in milli-units survive the DECIMAL columns exactly, so reads compare with toEqual.
import { getCandles, type CandleInput, type Database } from '@wick/db';
import type { Prng } from '@wick/testkit';

const MINUTE = 60_000;
const cents = (v: number) => Math.round(v * 100) / 100;
const milli = (v: number) => Math.round(v * 1000) / 1000;

/** The series' last stored 1m candle (the provisional one). */
export async function lastMinuteCandle(database: Database, symbol: string): Promise<CandleInput> {
  const c = await getCandles(database, { symbol, interval: '1m', limit: 1, newest: true });
  if (c.time.length === 0) throw new Error(`${symbol} has no 1m candles`);
  return { time: c.time[0]!, open: c.open[0]!, high: c.high[0]!, low: c.low[0]!, close: c.close[0]!, volume: c.volume[0]! };
}

/** The open candle after another trade: same open, a new close, its range and volume grown. */
export function openCandleUpdate(last: CandleInput, prng: Prng): CandleInput {
  const close = cents(Math.max(0.01, last.close * (1 + (prng.next() - 0.5) * 0.01)));
  return {
    time: last.time,
    open: last.open,
    high: Math.max(last.high, close),
    low: Math.min(last.low, close),
    close,
    volume: milli(last.volume + 1 + prng.next() * 10),
  };
}

/** The next candle, opened at the last close: the previous one is closed from now on. */
export function nextCandle(last: CandleInput, prng: Prng): CandleInput {
  const open = last.close;
  const close = cents(Math.max(0.01, open * (1 + (prng.next() - 0.5) * 0.01)));
  return {
    time: last.time + MINUTE,
    open,
    high: cents(Math.max(open, close) * (1 + prng.next() * 0.002)),
    low: cents(Math.min(open, close) * (1 - prng.next() * 0.002)),
    close,
    volume: milli(1 + prng.next() * 100),
  };
}
