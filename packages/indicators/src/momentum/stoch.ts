import { z } from 'zod';
import { outputArray } from '../warmup.ts';
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
  // The window scan of rollingExtremes (see window/extremes.ts), fused so no temporary arrays are needed.
  let hIdx = -1;
  let lIdx = -1;
  let highest = 0;
  let lowest = 0;
  for (let i = start + period - 1, trailing = start; i < n; i++, trailing++) {
    const h = high[i]!;
    if (hIdx < trailing) {
      hIdx = trailing;
      highest = high[trailing]!;
      for (let j = trailing + 1; j <= i; j++) {
        const v = high[j]!;
        if (v > highest) {
          highest = v;
          hIdx = j;
        }
      }
    } else if (h >= highest) {
      hIdx = i;
      highest = h;
    }
    const l = low[i]!;
    if (lIdx < trailing) {
      lIdx = trailing;
      lowest = low[trailing]!;
      for (let j = trailing + 1; j <= i; j++) {
        const v = low[j]!;
        if (v < lowest) {
          lowest = v;
          lIdx = j;
        }
      }
    } else if (l <= lowest) {
      lIdx = i;
      lowest = l;
    }
    const diff = (highest - lowest) / 100.0;
    out[i] = diff !== 0.0 ? (close[i]! - lowest) / diff : 0.0;
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
