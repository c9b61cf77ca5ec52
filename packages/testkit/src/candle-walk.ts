import { INTERVAL_MS, emptyCandleColumns, type CandleColumns, type Interval } from '@wick/market';
import { Prng } from './prng.ts';

export interface WalkOptions {
  /** PRNG seed; the same seed gives the same candles. Default 1. */
  seed?: number;
  /** First open price. Default 100. */
  startPrice?: number;
  /** Open time of the first candle (ms, aligned to the interval). Default 2024-01-01T00:00Z. */
  startTime?: number;
  /** Default 1m. */
  interval?: Interval;
  /** Largest relative close-to-close move per candle (uniform in ±step/2). Default 0.02. */
  step?: number;
  /** Decimals prices are rounded to (e.g. 2 for cents), so they survive a DECIMAL column exactly. Default: no rounding. */
  priceDecimals?: number;
  /** Decimals volumes are rounded to. Default: no rounding. */
  volumeDecimals?: number;
}

export const WALK_START = Date.UTC(2024, 0, 1);

function rounder(decimals: number | undefined): (v: number) => number {
  if (decimals === undefined) return (v) => v;
  const scale = 10 ** decimals;
  return (v) => Math.round(v * scale) / scale;
}

/**
 * The one deterministic candle random walk every test uses: a geometric walk whose candles are
 * OHLC-consistent (low ≤ open, close ≤ high) and strictly positive, ascending open times.
 */
export function randomWalk(n: number, options: WalkOptions = {}): CandleColumns {
  const { seed = 1, startPrice = 100, startTime = WALK_START, interval = '1m', step = 0.02 } = options;
  const price = rounder(options.priceDecimals);
  const size = rounder(options.volumeDecimals);
  const prng = new Prng(seed);
  const out = emptyCandleColumns(n);
  const width = INTERVAL_MS[interval];
  let last = price(startPrice);
  for (let i = 0; i < n; i++) {
    const open = last;
    const close = Math.max(price(open * (1 + (prng.next() - 0.5) * step)), Number.MIN_VALUE);
    out.open[i] = open;
    out.close[i] = close;
    out.high[i] = Math.max(open, close, price(Math.max(open, close) * (1 + prng.next() * step * 0.25)));
    out.low[i] = Math.min(open, close, Math.max(price(Math.min(open, close) * (1 - prng.next() * step * 0.25)), Number.MIN_VALUE));
    out.volume[i] = size(1 + prng.next() * 1000);
    out.time[i] = startTime + i * width;
    last = close;
  }
  return out;
}

/** One candle as an object (the shape ingest APIs take). */
export interface CandleObject {
  time: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

/** The same walk as objects. */
export function randomWalkCandles(n: number, options: WalkOptions = {}): CandleObject[] {
  const c = randomWalk(n, options);
  return Array.from({ length: n }, (_, i) => ({
    time: c.time[i]!,
    open: c.open[i]!,
    high: c.high[i]!,
    low: c.low[i]!,
    close: c.close[i]!,
    volume: c.volume[i]!,
  }));
}
