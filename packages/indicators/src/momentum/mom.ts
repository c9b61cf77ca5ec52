import { z } from 'zod';
import { outputArray } from '../warmup.ts';

export const momParams = z.strictObject({ period: z.number().int().min(1).max(100_000).default(10) });

/** Momentum: x − x[i−period] (TA-Lib's MOM). */
export function mom(src: Float64Array, period: number): Float64Array {
  const n = src.length;
  const out = outputArray(n, period);
  for (let i = period; i < n; i++) out[i] = src[i]! - src[i - period]!;
  return out;
}
