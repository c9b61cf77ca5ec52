import { z } from 'zod';
import { outputArray } from '../warmup.ts';
import { rollingExtremes } from '../window/extremes.ts';

export const willrParams = z.strictObject({ period: z.number().int().min(2).max(100_000).default(14) });

/** Williams %R in [−100, 0]: (highest − close)/((highest − lowest)/−100), 0 on a zero range (TA-Lib). */
export function willr(high: Float64Array, low: Float64Array, close: Float64Array, period: number): Float64Array {
  const n = close.length;
  const out = outputArray(n, period - 1);
  const hi = new Float64Array(n);
  const lo = new Float64Array(n);
  rollingExtremes(high, low, 0, period, hi, lo);
  for (let i = period - 1; i < n; i++) {
    const h = hi[i]!;
    const diff = (h - lo[i]!) / -100.0;
    out[i] = diff !== 0.0 ? (h - close[i]!) / diff : 0.0;
  }
  return out;
}
