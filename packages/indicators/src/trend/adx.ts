import { z } from 'zod';
import { outputArray } from '../warmup.ts';
import { jsonNumber, toJsonNumber } from '../state-json.ts';
import { parseState, parseWith } from '../params.ts';
import type { HlcCandle } from '../volatility/atr.ts';

export const adxParams = z.strictObject({ period: z.number().int().min(2).max(10_000).default(14) });
export type AdxParams = z.output<typeof adxParams>;

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

export interface AdxValue {
  adx: number;
  plusDi: number;
  minusDi: number;
}

export interface AdxStateJSON {
  kind: 'adx';
  period: number;
  count: number;
  prevHigh: number | null;
  prevLow: number | null;
  prevClose: number | null;
  pdm: number | null;
  mdm: number | null;
  tr: number | null;
  sumDx: number | null;
  prevAdx: number | null;
}

const adxStateSchema = z.strictObject({
  kind: z.literal('adx'),
  period: z.number().int(),
  count: z.number().int().min(0),
  prevHigh: jsonNumber,
  prevLow: jsonNumber,
  prevClose: jsonNumber,
  pdm: jsonNumber,
  mdm: jsonNumber,
  tr: jsonNumber,
  sumDx: jsonNumber,
  prevAdx: jsonNumber,
});

/** O(1) streaming ADX/±DI: one iteration of the batch kernel's loop per candle, so the same bits. */
export class AdxState {
  readonly period: number;
  private count = 0;
  private prevHigh = NaN;
  private prevLow = NaN;
  private prevClose = NaN;
  private pdm = 0;
  private mdm = 0;
  private tr = 0;
  private sumDx = 0;
  private prevAdx = 0;

  constructor(params: Partial<AdxParams> = {}) {
    this.period = parseWith('adx', adxParams, params).period;
  }

  get params(): AdxParams {
    return { period: this.period };
  }

  private step(candle: HlcCandle, commit: boolean): AdxValue {
    const period = this.period;
    const i = this.count;
    const h = candle.high;
    const l = candle.low;
    const diffP = h - this.prevHigh;
    const diffM = this.prevLow - l;
    let t = h - l;
    const v2 = Math.abs(h - this.prevClose);
    if (v2 > t) t = v2;
    const v3 = Math.abs(l - this.prevClose);
    if (v3 > t) t = v3;
    if (commit) {
      this.count++;
      this.prevHigh = h;
      this.prevLow = l;
      this.prevClose = candle.close;
    }
    const out: AdxValue = { adx: NaN, plusDi: NaN, minusDi: NaN };
    if (i === 0) return out;
    let { mdm, pdm, tr, sumDx, prevAdx } = this;
    if (i < period) {
      if (diffM > 0 && diffP < diffM) mdm += diffM;
      else if (diffP > 0 && diffP > diffM) pdm += diffP;
      tr += t;
    } else {
      const inv = 1 / period;
      mdm -= mdm * inv;
      pdm -= pdm * inv;
      if (diffM > 0 && diffP < diffM) mdm += diffM;
      else if (diffP > 0 && diffP > diffM) pdm += diffP;
      tr = tr - tr * inv + t;
      let dx = 0;
      let hasDx = false;
      if (tr > -EPSILON && tr < EPSILON) {
        out.plusDi = 0.0;
        out.minusDi = 0.0;
      } else {
        const mdi = 100.0 * (mdm / tr);
        const pdi = 100.0 * (pdm / tr);
        out.plusDi = pdi;
        out.minusDi = mdi;
        const s = mdi + pdi;
        if (!(s > -EPSILON && s < EPSILON)) {
          dx = 100.0 * (Math.abs(mdi - pdi) / s);
          hasDx = true;
        }
      }
      const lb = 2 * period - 1;
      if (i < lb) {
        if (hasDx) sumDx += dx;
      } else if (i === lb) {
        if (hasDx) sumDx += dx;
        prevAdx = sumDx / period;
        out.adx = prevAdx;
      } else {
        if (hasDx) prevAdx = (prevAdx * (period - 1) + dx) * inv;
        out.adx = prevAdx;
      }
    }
    if (commit) {
      this.mdm = mdm;
      this.pdm = pdm;
      this.tr = tr;
      this.sumDx = sumDx;
      this.prevAdx = prevAdx;
    }
    return out;
  }

  /** Adds a closed candle and returns ADX, +DI and −DI at it. */
  next(candle: HlcCandle): AdxValue {
    return this.step(candle, true);
  }

  /** ADX, +DI and −DI if `candle` came next, without adding it. */
  peek(candle: HlcCandle): AdxValue {
    return this.step(candle, false);
  }

  toJSON(): AdxStateJSON {
    return {
      kind: 'adx',
      period: this.period,
      count: this.count,
      prevHigh: toJsonNumber(this.prevHigh),
      prevLow: toJsonNumber(this.prevLow),
      prevClose: toJsonNumber(this.prevClose),
      pdm: toJsonNumber(this.pdm),
      mdm: toJsonNumber(this.mdm),
      tr: toJsonNumber(this.tr),
      sumDx: toJsonNumber(this.sumDx),
      prevAdx: toJsonNumber(this.prevAdx),
    };
  }

  static fromJSON(json: unknown): AdxState {
    const s = parseState('adx', adxStateSchema, json);
    const state = new AdxState(parseState('adx', adxParams, { period: s.period }));
    state.count = s.count;
    state.prevHigh = s.prevHigh;
    state.prevLow = s.prevLow;
    state.prevClose = s.prevClose;
    state.pdm = s.pdm;
    state.mdm = s.mdm;
    state.tr = s.tr;
    state.sumDx = s.sumDx;
    state.prevAdx = s.prevAdx;
    return state;
  }
}
