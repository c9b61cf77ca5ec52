import { z } from 'zod';

export const obvParams = z.strictObject({});

/** On-balance volume, starting at volume[0] on the first bar (TA-Lib's convention), no warm-up. */
export function obv(close: Float64Array, volume: Float64Array): Float64Array {
  const n = close.length;
  const out = new Float64Array(n);
  if (n === 0) return out;
  let acc = volume[0]!;
  let prev = close[0]!;
  out[0] = acc;
  for (let i = 1; i < n; i++) {
    const c = close[i]!;
    // Branch-free: ±1/0 × volume is exact, and the direction of a close is unpredictable.
    acc += ((c > prev ? 1 : 0) - (c < prev ? 1 : 0)) * volume[i]!;
    out[i] = acc;
    prev = c;
  }
  return out;
}
