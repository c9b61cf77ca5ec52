import { z } from 'zod';
import { outputArray } from '../warmup.ts';
import { rsiInto } from './rsi.ts';
import { fastKInto } from './stoch.ts';
import { smaInto } from '../trend/sma.ts';

export const stochrsiParams = z.strictObject({
  rsiPeriod: z.number().int().min(2).max(100_000).default(14),
  kPeriod: z.number().int().min(1).max(10_000).default(14),
  dPeriod: z.number().int().min(1).max(10_000).default(3),
});

/**
 * Stochastic RSI as TA-Lib's STOCHRSI (fast stochastic of the RSI, %D = SMA of %K, no extra %K
 * smoothing — TradingView's variant smooths %K, TA-Lib's does not). Both outputs start at
 * rsiPeriod + kPeriod−1 + dPeriod−1.
 */
export function stochrsi(src: Float64Array, rsiPeriod: number, kPeriod: number, dPeriod: number): { k: Float64Array; d: Float64Array } {
  const n = src.length;
  const lb = rsiPeriod + (kPeriod - 1) + (dPeriod - 1);
  const r = new Float64Array(n);
  rsiInto(src, 0, n, rsiPeriod, r);
  const k = outputArray(n, rsiPeriod + kPeriod - 1);
  fastKInto(r, r, r, rsiPeriod, kPeriod, k);
  const d = outputArray(n, lb);
  smaInto(k, rsiPeriod + kPeriod - 1, n, dPeriod, d);
  k.fill(NaN, 0, lb < n ? lb : n);
  return { k, d };
}
