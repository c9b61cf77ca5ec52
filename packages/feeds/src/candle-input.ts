/**
 * One candle as `candles.ingest` takes it (the API validates the same shape): `time` is the open
 * time in ms, prices and volumes plain numbers already rounded to the market's decimals.
 */
export interface CandleInput {
  time: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  /** Traded notional in the quote asset (Binance kline `q`). */
  quoteVolume?: number;
  /** Number of trades (Binance kline `n`). */
  trades?: number;
}

/** The most candles one `candles.ingest` call accepts. */
export const MAX_CANDLES_PER_INGEST = 5000;

/** low ≤ min(open, close) and high ≥ max(open, close): the rule the API enforces. */
export function isOhlcConsistent(c: CandleInput): boolean {
  return c.low <= Math.min(c.open, c.close) && c.high >= Math.max(c.open, c.close) && c.low > 0;
}
