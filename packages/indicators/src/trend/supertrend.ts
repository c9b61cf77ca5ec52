import { z } from 'zod';
import { outputArray } from '../warmup.ts';
import { atr } from '../volatility/atr.ts';

export const supertrendParams = z.strictObject({
  period: z.number().int().min(1).max(100_000).default(10),
  multiplier: z.number().min(0.01).max(100).default(3),
});

export interface SupertrendOutput {
  value: Float64Array;
  direction: Float64Array;
}

/**
 * SuperTrend (TA-Lib has none). Convention of TradingView's ta.supertrend and trading-signals:
 * basic bands hl2 ± multiplier·ATR (TA-Lib's Wilder ATR, so the first value is at index `period`);
 * a final band only tightens, unless the previous close broke it; the trend turns up when close
 * rises above the final upper band and down when it falls below the final lower band; on the first
 * bar the trend is down unless close is above the upper band. value = lower band in an uptrend,
 * upper band in a downtrend; direction = +1 up, −1 down (TradingView's sign is the opposite).
 */
export function supertrend(
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  period: number,
  multiplier: number,
): SupertrendOutput {
  const n = close.length;
  const value = outputArray(n, period);
  const direction = outputArray(n, period);
  const range = atr(high, low, close, period);
  let fu = 0;
  let fl = 0;
  let up = false;
  for (let i = period; i < n; i++) {
    const hl2 = (high[i]! + low[i]!) / 2;
    const off = multiplier * range[i]!;
    const bu = hl2 + off;
    const bl = hl2 - off;
    const c = close[i]!;
    if (i === period) {
      fu = bu;
      fl = bl;
      up = c > fu;
    } else {
      const pc = close[i - 1]!;
      fu = bu < fu || pc > fu ? bu : fu;
      fl = bl > fl || pc < fl ? bl : fl;
      up = up ? c >= fl : c > fu;
    }
    value[i] = up ? fl : fu;
    direction[i] = up ? 1 : -1;
  }
  return { value, direction };
}
