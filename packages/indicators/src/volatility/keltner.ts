import { z } from 'zod';
import { outputArray } from '../warmup.ts';
import { ema } from '../trend/ema.ts';
import { atr } from './atr.ts';

export const keltnerParams = z.strictObject({
  period: z.number().int().min(1).max(100_000).default(20),
  atrPeriod: z.number().int().min(1).max(100_000).default(10),
  multiplier: z.number().min(0).max(100).default(2),
});

export interface KeltnerOutput {
  middle: Float64Array;
  upper: Float64Array;
  lower: Float64Array;
}

/**
 * Keltner Channels (TA-Lib has none). Convention of TradingView's default and trading-signals:
 * middle = EMA(close, period) (TA-Lib-style SMA seed), bands = middle ± multiplier·ATR(atrPeriod)
 * with TA-Lib's Wilder ATR. All outputs start at max(period−1, atrPeriod).
 */
export function keltner(
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  period: number,
  atrPeriod: number,
  multiplier: number,
): KeltnerOutput {
  const n = close.length;
  const lb = Math.max(period - 1, atrPeriod);
  const middle = ema(close, period);
  const range = atr(high, low, close, atrPeriod);
  const upper = outputArray(n, lb);
  const lower = outputArray(n, lb);
  middle.fill(NaN, 0, lb < n ? lb : n);
  for (let i = lb; i < n; i++) {
    const m = middle[i]!;
    const off = multiplier * range[i]!;
    upper[i] = m + off;
    lower[i] = m - off;
  }
  return { middle, upper, lower };
}
