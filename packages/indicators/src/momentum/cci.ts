import { z } from 'zod';
import { outputArray } from '../warmup.ts';

export const cciParams = z.strictObject({ period: z.number().int().min(2).max(10_000).default(20) });

/**
 * Commodity Channel Index as TA-Lib: typical price (h+l+c)/3, mean deviation over the window,
 * (tp − mean)/(0.015·meanDev), 0 when either is 0. The mean deviation has no running form, so this
 * is O(n·period) like TA-Lib; sums run in TA-Lib's circular-buffer order so values match its bits.
 */
export function cci(high: Float64Array, low: Float64Array, close: Float64Array, period: number): Float64Array {
  const n = close.length;
  const out = outputArray(n, period - 1);
  const ring = new Float64Array(period);
  let slot = -1;
  for (let i = 0; i < n; i++) {
    if (++slot === period) slot = 0;
    const last = (high[i]! + low[i]! + close[i]!) / 3;
    ring[slot] = last;
    if (i < period - 1) continue;
    let avg = 0;
    for (let j = 0; j < period; j++) avg += ring[j]!;
    avg /= period;
    let dev = 0;
    for (let j = 0; j < period; j++) dev += Math.abs(ring[j]! - avg);
    const d = last - avg;
    out[i] = d !== 0.0 && dev !== 0.0 ? d / (0.015 * (dev / period)) : 0.0;
  }
  return out;
}
