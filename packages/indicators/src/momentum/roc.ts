import { z } from 'zod';
import { outputArray } from '../warmup.ts';

export const rocParams = z.strictObject({ period: z.number().int().min(1).max(100_000).default(10) });

/** Rate of change in percent: ((x / x[i−period]) − 1)·100, 0 when the old value is 0 (TA-Lib). */
export function roc(src: Float64Array, period: number): Float64Array {
  const n = src.length;
  const out = outputArray(n, period);
  for (let i = period; i < n; i++) {
    const prev = src[i - period]!;
    out[i] = prev !== 0.0 ? (src[i]! / prev - 1.0) * 100.0 : 0.0;
  }
  return out;
}
