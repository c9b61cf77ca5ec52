import { z } from 'zod';
import { outputArray } from '../warmup.ts';

export const wmaParams = z.strictObject({ period: z.number().int().min(2).max(100_000).default(20) });

/**
 * Linearly weighted MA (weights 1..period, newest heaviest) in O(1) per value with TA-Lib's
 * two running sums: the weighted total drops the plain window sum each step.
 */
export function wma(src: Float64Array, period: number): Float64Array {
  const n = src.length;
  const out = outputArray(n, period - 1);
  if (period === 1) {
    out.set(src);
    return out;
  }
  const divider = (period * (period + 1)) >> 1;
  let periodSum = 0;
  let periodSub = 0;
  let i = 0;
  const first = period - 1;
  if (first >= n) return out;
  for (; i < first; i++) {
    const v = src[i]!;
    periodSub += v;
    periodSum += v * (i + 1);
  }
  let trailingValue = 0;
  let trailing = 0;
  for (; i < n; i++) {
    const v = src[i]!;
    periodSub += v;
    periodSub -= trailingValue;
    periodSum += v * period;
    trailingValue = src[trailing++]!;
    out[i] = periodSum / divider;
    periodSum -= periodSub;
  }
  return out;
}
