import { z } from 'zod';

export const vwapParams = z.strictObject({});

const DAY_MS = 86_400_000;

/**
 * VWAP anchored per UTC day (TA-Lib has none). Convention, as TradingView's session VWAP with the
 * "hlc3" source: typical price (h+l+c)/3 weighted by volume, cumulated from the first candle whose
 * open time falls in a new UTC day. A candle belongs to the day of its open time. While the day's
 * cumulated volume is 0 (no trades yet), the value is that candle's typical price. No warm-up.
 * Cross-checked against technicalindicators' VWAP (cumulative, no anchor) within one day.
 */
export function vwap(high: Float64Array, low: Float64Array, close: Float64Array, volume: Float64Array, time: Float64Array): Float64Array {
  const n = close.length;
  const out = new Float64Array(n);
  let day = NaN;
  let pv = 0;
  let vol = 0;
  for (let i = 0; i < n; i++) {
    const d = Math.floor(time[i]! / DAY_MS);
    if (d !== day) {
      day = d;
      pv = 0;
      vol = 0;
    }
    const tp = (high[i]! + low[i]! + close[i]!) / 3;
    const v = volume[i]!;
    pv += tp * v;
    vol += v;
    out[i] = vol > 0 ? pv / vol : tp;
  }
  return out;
}
