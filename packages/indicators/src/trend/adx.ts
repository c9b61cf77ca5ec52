import { z } from 'zod';
import { outputArray } from '../warmup.ts';

export const adxParams = z.strictObject({ period: z.number().int().min(2).max(10_000).default(14) });

// TA-Lib's TA_IS_ZERO.
const EPSILON = 1e-14;

export interface AdxOutput {
  adx: Float64Array;
  plusDi: Float64Array;
  minusDi: Float64Array;
}

/**
 * Wilder's directional movement exactly as TA-Lib's ADX / PLUS_DI / MINUS_DI, in one pass:
 * DM and TR summed over the first period−1 bars, then smoothed as s − s/period + x; ±DI from index
 * `period` (0 when TR is ~0); DX summed over `period` bars seeds ADX at 2·period−1, then
 * ADX = (ADX·(period−1) + DX)/period — skipped (held) on a bar whose TR or DI sum is ~0, as TA-Lib.
 */
export function adx(high: Float64Array, low: Float64Array, close: Float64Array, period: number): AdxOutput {
  const n = close.length;
  const lb = 2 * period - 1;
  const adxOut = outputArray(n, lb);
  const plusDi = outputArray(n, period);
  const minusDi = outputArray(n, period);
  if (period >= n) return { adx: adxOut, plusDi, minusDi };
  let prevHigh = high[0]!;
  let prevLow = low[0]!;
  let prevClose = close[0]!;
  let pdm = 0;
  let mdm = 0;
  let tr = 0;
  let sumDx = 0;
  let prevAdx = 0;
  const m = period - 1;
  // Multiplying by 1/period keeps divisions off the three loop-carried chains (within ~1e-15 of TA-Lib).
  const inv = 1 / period;
  for (let i = 1; i < n; i++) {
    const h = high[i]!;
    const l = low[i]!;
    const diffP = h - prevHigh;
    const diffM = prevLow - l;
    prevHigh = h;
    prevLow = l;
    let t = h - l;
    const v2 = Math.abs(h - prevClose);
    if (v2 > t) t = v2;
    const v3 = Math.abs(l - prevClose);
    if (v3 > t) t = v3;
    prevClose = close[i]!;
    if (i < period) {
      if (diffM > 0 && diffP < diffM) mdm += diffM;
      else if (diffP > 0 && diffP > diffM) pdm += diffP;
      tr += t;
      continue;
    }
    mdm -= mdm * inv;
    pdm -= pdm * inv;
    if (diffM > 0 && diffP < diffM) mdm += diffM;
    else if (diffP > 0 && diffP > diffM) pdm += diffP;
    tr = tr - tr * inv + t;
    // DX exists unless TR or the DI sum is ~0; then TA-Lib skips the bar (holds ADX). A NaN input
    // is not "~0", so it flows into ADX and stays, as in TA-Lib.
    let dx = 0;
    let hasDx = false;
    if (tr > -EPSILON && tr < EPSILON) {
      plusDi[i] = 0.0;
      minusDi[i] = 0.0;
    } else {
      const mdi = 100.0 * (mdm / tr);
      const pdi = 100.0 * (pdm / tr);
      plusDi[i] = pdi;
      minusDi[i] = mdi;
      const s = mdi + pdi;
      if (!(s > -EPSILON && s < EPSILON)) {
        dx = 100.0 * (Math.abs(mdi - pdi) / s);
        hasDx = true;
      }
    }
    if (i < lb) {
      if (hasDx) sumDx += dx;
    } else if (i === lb) {
      if (hasDx) sumDx += dx;
      prevAdx = sumDx / period;
      adxOut[i] = prevAdx;
    } else {
      if (hasDx) prevAdx = (prevAdx * m + dx) * inv;
      adxOut[i] = prevAdx;
    }
  }
  return { adx: adxOut, plusDi, minusDi };
}
