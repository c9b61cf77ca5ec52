import { z } from 'zod';
import { outputArray } from '../warmup.ts';

export const willrParams = z.strictObject({ period: z.number().int().min(2).max(100_000).default(14) });

/** Williams %R in [−100, 0]: (highest − close)/((highest − lowest)/−100), 0 on a zero range (TA-Lib). */
export function willr(high: Float64Array, low: Float64Array, close: Float64Array, period: number): Float64Array {
  const n = close.length;
  const out = outputArray(n, period - 1);
  // The window scan of rollingExtremes (see window/extremes.ts), fused so no temporary arrays are needed.
  let hIdx = -1;
  let lIdx = -1;
  let highest = 0;
  let lowest = 0;
  for (let i = period - 1, trailing = 0; i < n; i++, trailing++) {
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
    const diff = (highest - lowest) / -100.0;
    out[i] = diff !== 0.0 ? (highest - close[i]!) / diff : 0.0;
  }
  return out;
}
