import { z } from 'zod';
import { outputArray } from '../warmup.ts';
import { rollingExtremes } from '../window/extremes.ts';

export const ichimokuParams = z.strictObject({
  tenkan: z.number().int().min(1).max(10_000).default(9),
  kijun: z.number().int().min(1).max(10_000).default(26),
  senkouB: z.number().int().min(1).max(10_000).default(52),
});

export interface IchimokuOutput {
  tenkan: Float64Array;
  kijun: Float64Array;
  senkouA: Float64Array;
  senkouB: Float64Array;
  chikou: Float64Array;
}

/**
 * Ichimoku Kinko Hyo (TA-Lib has none). Each line is the midpoint (highest high + lowest low)/2 of
 * its window including the current candle; senkouA = (tenkan + kijun)/2; chikou = close.
 * Convention for same-length arrays: every value sits at the candle it is computed from, without
 * displacement — the chart draws senkou A/B `kijun` candles ahead and chikou `kijun` candles behind.
 * That keeps the series causal (nothing from the future), keeps the projected cloud's last `kijun`
 * values (which a shifted same-length array would drop), and leaves no trailing NaN.
 * Cross-checked against trading-signals' IchimokuCloud (which also reports unshifted values).
 */
export function ichimoku(
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  tenkanPeriod: number,
  kijunPeriod: number,
  senkouBPeriod: number,
): IchimokuOutput {
  const n = close.length;
  const tenkan = outputArray(n, tenkanPeriod - 1);
  const kijun = outputArray(n, kijunPeriod - 1);
  const senkouB = outputArray(n, senkouBPeriod - 1);
  const aLb = Math.max(tenkanPeriod, kijunPeriod) - 1;
  const senkouA = outputArray(n, aLb);
  const chikou = close.slice();
  midpoints(high, low, tenkanPeriod, tenkan);
  midpoints(high, low, kijunPeriod, kijun);
  midpoints(high, low, senkouBPeriod, senkouB);
  for (let i = aLb; i < n; i++) senkouA[i] = (tenkan[i]! + kijun[i]!) / 2;
  return { tenkan, kijun, senkouA, senkouB, chikou };
}

function midpoints(high: Float64Array, low: Float64Array, period: number, out: Float64Array): void {
  const lo = new Float64Array(high.length);
  rollingExtremes(high, low, 0, period, out, lo);
  for (let i = period - 1; i < out.length; i++) out[i] = (out[i]! + lo[i]!) / 2;
}
