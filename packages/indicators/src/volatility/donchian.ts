import { z } from 'zod';
import { outputArray } from '../warmup.ts';
import { rollingExtremes } from '../window/extremes.ts';

export const donchianParams = z.strictObject({ period: z.number().int().min(2).max(100_000).default(20) });

export interface DonchianOutput {
  upper: Float64Array;
  lower: Float64Array;
  middle: Float64Array;
}

/**
 * Donchian Channels (TA-Lib has none by that name): highest high and lowest low of the last
 * `period` candles including the current one (as trading-signals and TradingView), middle = their
 * mean. Cross-checked against TA-Lib's MAX/MIN and trading-signals' DonchianChannels.
 */
export function donchian(high: Float64Array, low: Float64Array, period: number): DonchianOutput {
  const n = high.length;
  const lb = period - 1;
  const upper = outputArray(n, lb);
  const lower = outputArray(n, lb);
  const middle = outputArray(n, lb);
  rollingExtremes(high, low, 0, period, upper, lower);
  for (let i = lb; i < n; i++) middle[i] = (upper[i]! + lower[i]!) / 2;
  return { upper, lower, middle };
}
