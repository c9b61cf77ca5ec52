import { z } from 'zod';
import { atr } from './atr.ts';

export const natrParams = z.strictObject({ period: z.number().int().min(1).max(100_000).default(14) });

// TA-Lib's TA_IS_ZERO.
const EPSILON = 1e-14;

/** ATR as a percentage of close: (atr / close)·100, 0 when close is ~0 (TA-Lib). */
export function natr(high: Float64Array, low: Float64Array, close: Float64Array, period: number): Float64Array {
  const out = atr(high, low, close, period);
  for (let i = period; i < out.length; i++) {
    const c = close[i]!;
    out[i] = c > -EPSILON && c < EPSILON ? 0 : (out[i]! / c) * 100.0;
  }
  return out;
}
