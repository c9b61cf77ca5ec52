import { candleOpenTime, type Interval } from '@wick/market';
import type { Database } from '../../src/index.ts';
import { units, unitsToString } from './exact.ts';

/** A candle with its decimals as the server prints them (scale 10). */
export interface TextCandle {
  time: number;
  open: string;
  high: string;
  low: string;
  close: string;
  volume: string;
  quoteVolume: string;
  trades: number;
}

export async function storedCandles(db: Database, symbol: string, interval: Interval): Promise<TextCandle[]> {
  const [rows] = await db.pool.query({
    sql:
      'SELECT c.open_time, c.open, c.high, c.low, c.close, c.volume, c.quote_volume, c.trades FROM candles c' +
      ' JOIN symbols s ON s.id = c.symbol_id WHERE s.name = ? AND c.`interval` = ? ORDER BY c.open_time',
    values: [symbol, interval],
    rowsAsArray: true,
  });
  return (rows as [number, string, string, string, string, string, string, number][]).map((r) => ({
    time: Number(r[0]),
    open: r[1],
    high: r[2],
    low: r[3],
    close: r[4],
    volume: r[5],
    quoteVolume: r[6],
    trades: Number(r[7]),
  }));
}

const S = 10;
const text = (v: bigint) => unitsToString(v, S);

/**
 * The oracle: every bucket of `interval` aggregated from scratch, straight from the 1m candles, in
 * exact BigInt units (no cascade, no SQL): what the roll-up must have stored.
 */
export function rollUpFromScratch(minutes: readonly TextCandle[], interval: Interval): TextCandle[] {
  const buckets = new Map<number, TextCandle[]>();
  for (const m of [...minutes].sort((a, b) => a.time - b.time)) {
    const t = candleOpenTime(interval, m.time);
    const list = buckets.get(t) ?? [];
    list.push(m);
    buckets.set(t, list);
  }
  return [...buckets.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([time, list]) => {
      const max = list.map((m) => units(m.high, S)).reduce((a, b) => (b > a ? b : a));
      const min = list.map((m) => units(m.low, S)).reduce((a, b) => (b < a ? b : a));
      return {
        time,
        open: text(units(list[0]!.open, S)),
        high: text(max),
        low: text(min),
        close: text(units(list[list.length - 1]!.close, S)),
        volume: text(list.reduce((s, m) => s + units(m.volume, S), 0n)),
        quoteVolume: text(list.reduce((s, m) => s + units(m.quoteVolume, S), 0n)),
        trades: list.reduce((s, m) => s + m.trades, 0),
      };
    });
}

/** A number with at most 10 decimals as the server prints it at scale 10 ("1234.5" → "1234.5000000000"). */
export function scale10(v: number): string {
  return text(units(String(v), S));
}
