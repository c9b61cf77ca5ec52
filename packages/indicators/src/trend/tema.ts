import { z } from 'zod';
import { outputArray } from '../warmup.ts';
import { emaInto, emaK } from './ema.ts';

export const temaParams = z.strictObject({ period: z.number().int().min(2).max(30_000).default(20) });

/** 3·EMA − 3·EMA² + EMA³, each EMA seeded by the SMA of its input's first valid `period` values (TA-Lib). */
export function tema(src: Float64Array, period: number): Float64Array {
  const n = src.length;
  const k = emaK(period);
  const e1 = outputArray(n, period - 1);
  emaInto(src, 0, n, period, k, e1);
  const e2 = outputArray(n, 2 * (period - 1));
  emaInto(e1, period - 1, n, period, k, e2);
  const lb = 3 * (period - 1);
  const out = outputArray(n, lb);
  emaInto(e2, 2 * (period - 1), n, period, k, out);
  // TA-Lib's order: third + ((3·first) − (3·second)).
  for (let i = lb; i < n; i++) out[i] = out[i]! + (3.0 * e1[i]! - 3.0 * e2[i]!);
  return out;
}
