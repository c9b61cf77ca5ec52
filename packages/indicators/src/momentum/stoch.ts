import { z } from 'zod';
import { outputArray } from '../warmup.ts';
import { rollingExtremes } from '../window/extremes.ts';
import { smaInto } from '../trend/sma.ts';

export const stochParams = z.strictObject({
  kPeriod: z.number().int().min(1).max(100_000).default(14),
  kSmoothing: z.number().int().min(1).max(10_000).default(3),
  dPeriod: z.number().int().min(1).max(10_000).default(3),
});

/**
 * Fast %K over src[start..]: (close − lowest)/((highest − lowest)/100), 0 when the range is 0 —
 * TA-Lib's exact expression (it divides by range/100 rather than multiplying by 100).
 */
export function fastKInto(
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  start: number,
  period: number,
  out: Float64Array,
): void {
  const n = close.length;
  const first = start + period - 1;
  if (first >= n) return;
  const hi = new Float64Array(n);
  const lo = new Float64Array(n);
  rollingExtremes(high, low, start, period, hi, lo);
  for (let i = first; i < n; i++) {
    const l = lo[i]!;
    const diff = (hi[i]! - l) / 100.0;
    out[i] = diff !== 0.0 ? (close[i]! - l) / diff : 0.0;
  }
}

export interface StochOutput {
  k: Float64Array;
  d: Float64Array;
}

/**
 * Slow stochastic as TA-Lib's STOCH with SMA smoothing: %K = SMA(fast %K, kSmoothing),
 * %D = SMA(%K, dPeriod). Like TA-Lib both outputs start at kPeriod−1 + kSmoothing−1 + dPeriod−1.
 */
export function stoch(
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  kPeriod: number,
  kSmoothing: number,
  dPeriod: number,
): StochOutput {
  const n = close.length;
  const lb = kPeriod - 1 + (kSmoothing - 1) + (dPeriod - 1);
  const fast = new Float64Array(n);
  fastKInto(high, low, close, 0, kPeriod, fast);
  const k = outputArray(n, kPeriod - 1 + (kSmoothing - 1));
  smaInto(fast, kPeriod - 1, n, kSmoothing, k);
  const d = outputArray(n, lb);
  smaInto(k, kPeriod - 1 + (kSmoothing - 1), n, dPeriod, d);
  k.fill(NaN, 0, lb < n ? lb : n);
  return { k, d };
}
