import { z } from 'zod';
import { outputArray } from '../warmup.ts';

export const mfiParams = z.strictObject({ period: z.number().int().min(2).max(100_000).default(14) });

/**
 * Money Flow Index as TA-Lib (typical price (h+l+c)/3 × volume, split by the sign of the typical
 * price change, running positive/negative sums over `period` changes, first value at `period`).
 * One deliberate difference: TA-Lib returns 0 whenever the window's total money flow is below 1.0
 * (its guard against the residue running sums leave once every flow has left the window), which
 * makes MFI depend on the units of volume: an illiquid pair, or volume in BTC at a low price, reads
 * 0. Wick counts the bars with a flow on each side instead, zeroes a side's sum (residue and all)
 * when its count drops to 0, and returns 0 only when the window has no flow at all.
 */
export function mfi(high: Float64Array, low: Float64Array, close: Float64Array, volume: Float64Array, period: number): Float64Array {
  const n = close.length;
  const out = outputArray(n, period);
  if (period >= n) return out;
  const pos = new Float64Array(period);
  const neg = new Float64Array(period);
  let posSum = 0;
  let negSum = 0;
  let posCount = 0;
  let negCount = 0;
  let prev = (high[0]! + low[0]! + close[0]!) / 3.0;
  let slot = -1;
  for (let i = 1; i < n; i++) {
    if (++slot === period) slot = 0;
    if (i > period) {
      const op = pos[slot]!;
      const on = neg[slot]!;
      if (op !== 0) {
        posSum -= op;
        if (--posCount === 0) posSum = 0;
      }
      if (on !== 0) {
        negSum -= on;
        if (--negCount === 0) negSum = 0;
      }
    }
    const tp = (high[i]! + low[i]! + close[i]!) / 3.0;
    const d = tp - prev;
    prev = tp;
    const flow = tp * volume[i]!;
    if (d < 0 && flow !== 0) {
      neg[slot] = flow;
      negSum += flow;
      negCount++;
      pos[slot] = 0.0;
    } else if (d > 0 && flow !== 0) {
      pos[slot] = flow;
      posSum += flow;
      posCount++;
      neg[slot] = 0.0;
    } else {
      pos[slot] = 0.0;
      neg[slot] = 0.0;
    }
    if (i >= period) {
      out[i] = posCount + negCount === 0 ? 0.0 : 100.0 * (posSum / (posSum + negSum));
    }
  }
  return out;
}
