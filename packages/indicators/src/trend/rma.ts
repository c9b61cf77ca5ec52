import { z } from 'zod';
import { outputArray } from '../warmup.ts';

export const rmaParams = z.strictObject({ period: z.number().int().min(1).max(100_000).default(14) });

/**
 * Wilder's smoothing (RMA, SMMA). TA-Lib has no function by this name; it is the smoothing inside
 * its RSI/ATR/ADX. Convention (as TA-Lib's ATR and TradingView's ta.rma): seeded with the SMA of the
 * first `period` values, then prev = (prev·(period−1) + x)·(1/period) (a multiply, not a divide,
 * on the loop-carried chain).
 * Cross-checked against trading-signals' WSMA and against TA-Lib's ATR (an RMA of true range).
 */
export function rmaInto(src: Float64Array, start: number, end: number, period: number, out: Float64Array): void {
  const first = start + period - 1;
  if (first >= end) return;
  let total = 0;
  for (let i = start; i <= first; i++) total += src[i]!;
  let prev = total / period;
  out[first] = prev;
  const m = period - 1;
  const inv = 1 / period;
  for (let i = first + 1; i < end; i++) {
    prev = (prev * m + src[i]!) * inv;
    out[i] = prev;
  }
}

export function rma(src: Float64Array, period: number): Float64Array {
  const out = outputArray(src.length, period - 1);
  rmaInto(src, 0, src.length, period, out);
  return out;
}
