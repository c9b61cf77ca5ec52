import { z } from 'zod';
import { outputArray } from '../warmup.ts';

export const trangeParams = z.strictObject({});

/** max(high−low, |prevClose−high|, |prevClose−low|) in TA-Lib's comparison order. */
export function trueRange(high: number, low: number, prevClose: number): number {
  let greatest = high - low;
  const v2 = Math.abs(prevClose - high);
  if (v2 > greatest) greatest = v2;
  const v3 = Math.abs(prevClose - low);
  if (v3 > greatest) greatest = v3;
  return greatest;
}

/** True range; like TA-Lib the first bar has no previous close, so index 0 is NaN (lookback 1). */
export function trange(high: Float64Array, low: Float64Array, close: Float64Array): Float64Array {
  const n = high.length;
  const out = outputArray(n, 1);
  for (let i = 1; i < n; i++) {
    out[i] = trueRange(high[i]!, low[i]!, close[i - 1]!);
  }
  return out;
}
