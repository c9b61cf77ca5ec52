import { z } from 'zod';
import { outputArray } from '../warmup.ts';

export const psarParams = z
  .strictObject({
    acceleration: z.number().min(0.0001).max(1).default(0.02),
    maximum: z.number().min(0.0001).max(1).default(0.2),
  })
  .refine((p) => p.acceleration <= p.maximum, { message: 'must be ≥ acceleration', path: ['maximum'] });

/**
 * Parabolic SAR exactly as TA-Lib's SAR: the first direction comes from bar 1's directional
 * movement (short if −DM > 0), the first SAR is bar 0's extreme, and each new SAR is clamped to
 * the previous two bars' range; on a reversal the SAR jumps to the extreme point. Starts at index 1.
 */
export function psar(high: Float64Array, low: Float64Array, acceleration: number, maximum: number): Float64Array {
  const n = high.length;
  const out = outputArray(n, 1);
  if (n < 2) return out;
  const accel = acceleration;
  let af = accel;
  const diffM = low[0]! - low[1]!;
  const diffP = high[1]! - high[0]!;
  let isLong = !(diffM > 0 && diffP < diffM);
  let ep: number;
  let sar: number;
  if (isLong) {
    ep = high[1]!;
    sar = low[0]!;
  } else {
    ep = low[1]!;
    sar = high[0]!;
  }
  let newLow = low[1]!;
  let newHigh = high[1]!;
  for (let i = 1; i < n; i++) {
    const prevLow = newLow;
    const prevHigh = newHigh;
    newLow = low[i]!;
    newHigh = high[i]!;
    if (isLong) {
      if (newLow <= sar) {
        isLong = false;
        sar = ep;
        if (sar < prevHigh) sar = prevHigh;
        if (sar < newHigh) sar = newHigh;
        out[i] = sar;
        af = accel;
        ep = newLow;
        sar = sar + af * (ep - sar);
        if (sar < prevHigh) sar = prevHigh;
        if (sar < newHigh) sar = newHigh;
      } else {
        out[i] = sar;
        if (newHigh > ep) {
          ep = newHigh;
          af += accel;
          if (af > maximum) af = maximum;
        }
        sar = sar + af * (ep - sar);
        if (sar > prevLow) sar = prevLow;
        if (sar > newLow) sar = newLow;
      }
    } else if (newHigh >= sar) {
      isLong = true;
      sar = ep;
      if (sar > prevLow) sar = prevLow;
      if (sar > newLow) sar = newLow;
      out[i] = sar;
      af = accel;
      ep = newHigh;
      sar = sar + af * (ep - sar);
      if (sar > prevLow) sar = prevLow;
      if (sar > newLow) sar = newLow;
    } else {
      out[i] = sar;
      if (newLow < ep) {
        ep = newLow;
        af += accel;
        if (af > maximum) af = maximum;
      }
      sar = sar + af * (ep - sar);
      if (sar < prevHigh) sar = prevHigh;
      if (sar < newHigh) sar = newHigh;
    }
  }
  return out;
}
