import { z } from 'zod';
import { outputArray } from '../warmup.ts';
import { emaInto, emaK } from './ema.ts';

export const demaParams = z.strictObject({ period: z.number().int().min(2).max(50_000).default(20) });

/** 2·EMA − EMA(EMA); the second EMA is seeded by the SMA of the first EMA's first `period` values (TA-Lib). */
export function dema(src: Float64Array, period: number): Float64Array {
  const n = src.length;
  const lb = 2 * (period - 1);
  const e1 = outputArray(n, period - 1);
  const k = emaK(period);
  emaInto(src, 0, n, period, k, e1);
  const out = outputArray(n, lb);
  emaInto(e1, period - 1, n, period, k, out);
  for (let i = lb; i < n; i++) out[i] = 2.0 * e1[i]! - out[i]!;
  return out;
}
