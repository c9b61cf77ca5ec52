import { z } from 'zod';
import { outputArray } from '../warmup.ts';
import { jsonNumber, toJsonNumber } from '../state-json.ts';
import { parseState, parseWith } from '../params.ts';

export const rmaParams = z.strictObject({ period: z.number().int().min(1).max(100_000).default(14) });
export type RmaParams = z.output<typeof rmaParams>;

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

export interface RmaStateJSON {
  kind: 'rma';
  period: number;
  count: number;
  total: number | null;
  prev: number | null;
}

const rmaStateSchema = z.strictObject({
  kind: z.literal('rma'),
  period: z.number().int(),
  count: z.number().int().min(0),
  total: jsonNumber,
  prev: jsonNumber,
});

/** O(1) streaming RMA, same bits as the batch kernel. */
export class RmaState {
  readonly period: number;
  private count = 0;
  private total = 0;
  private prev = NaN;

  constructor(params: Partial<RmaParams> = {}) {
    this.period = parseWith('rma', rmaParams, params).period;
  }

  get params(): RmaParams {
    return { period: this.period };
  }

  private step(value: number, commit: boolean): number {
    const p = this.period;
    if (this.count >= p) {
      const v = (this.prev * (p - 1) + value) * (1 / p);
      if (commit) this.prev = v;
      return v;
    }
    const total = this.total + value;
    const seeded = this.count + 1 >= p;
    const v = seeded ? total / p : NaN;
    if (commit) {
      this.count++;
      this.total = total;
      if (seeded) this.prev = v;
    }
    return v;
  }

  /** Adds a value (a closed candle's close) and returns the RMA at it. */
  next(value: number): number {
    return this.step(value, true);
  }

  /** The RMA if `value` came next, without adding it. */
  peek(value: number): number {
    return this.step(value, false);
  }

  toJSON(): RmaStateJSON {
    return { kind: 'rma', period: this.period, count: this.count, total: toJsonNumber(this.total), prev: toJsonNumber(this.prev) };
  }

  static fromJSON(json: unknown): RmaState {
    const s = parseState('rma', rmaStateSchema, json);
    const state = new RmaState(parseState('rma', rmaParams, { period: s.period }));
    state.count = s.count;
    state.total = s.total;
    state.prev = s.prev;
    return state;
  }
}
