import { z } from 'zod';
import { outputArray } from '../warmup.ts';
import { parseState, parseWith } from '../params.ts';
import { jsonNumber, toJsonNumber } from '../state-json.ts';
import { trange, trueRange } from './trange.ts';

export const atrParams = z.strictObject({ period: z.number().int().min(1).max(100_000).default(14) });
export type AtrParams = z.output<typeof atrParams>;

/**
 * Average true range as TA-Lib: true range from bar 1, seeded by the SMA of the first `period`
 * true ranges (first value at index `period`), then Wilder: (prev·(period−1) + tr)·(1/period) —
 * a multiply instead of TA-Lib's divide keeps the division off the loop-carried chain (values stay
 * within ~1e-15 of TA-Lib's).
 */
export function atr(high: Float64Array, low: Float64Array, close: Float64Array, period: number): Float64Array {
  const n = high.length;
  // TA-Lib's ATR(1) is the true range itself (no smoothing step, so a NaN does not linger).
  if (period === 1) return trange(high, low, close);
  const out = outputArray(n, period);
  if (period >= n) return out;
  let total = 0;
  for (let i = 1; i <= period; i++) {
    const g = trueRange(high[i]!, low[i]!, close[i - 1]!);
    total += g;
  }
  let prev = total / period;
  out[period] = prev;
  const m = period - 1;
  const inv = 1 / period;
  for (let i = period + 1; i < n; i++) {
    const g = trueRange(high[i]!, low[i]!, close[i - 1]!);
    prev = (prev * m + g) * inv;
    out[i] = prev;
  }
  return out;
}

export interface HlcCandle {
  high: number;
  low: number;
  close: number;
}

export interface AtrStateJSON {
  kind: 'atr';
  period: number;
  count: number;
  prevClose: number | null;
  total: number | null;
  prev: number | null;
}

const atrStateSchema = z.strictObject({
  kind: z.literal('atr'),
  period: z.number().int().min(1),
  count: z.number().int().min(0),
  prevClose: jsonNumber,
  total: jsonNumber,
  prev: jsonNumber,
});

/** O(1) streaming ATR over candles, same bits as the batch kernel. */
export class AtrState {
  readonly period: number;
  private count = 0;
  private prevClose = NaN;
  private total = 0;
  private prev = NaN;

  constructor(params: Partial<AtrParams> = {}) {
    this.period = parseWith('atr', atrParams, params).period;
  }

  get params(): AtrParams {
    return { period: this.period };
  }

  private step(candle: HlcCandle, commit: boolean): number {
    const p = this.period;
    const c = this.count;
    const pc = this.prevClose;
    if (commit) {
      this.count = c + 1;
      this.prevClose = candle.close;
    }
    if (c === 0) return NaN;
    const g = trueRange(candle.high, candle.low, pc);
    if (p === 1) return g;
    if (c < p) {
      if (commit) this.total += g;
      return NaN;
    }
    if (c === p) {
      const total = this.total + g;
      const seed = total / p;
      if (commit) {
        this.total = total;
        this.prev = seed;
      }
      return seed;
    }
    const v = (this.prev * (p - 1) + g) * (1 / p);
    if (commit) this.prev = v;
    return v;
  }

  /** Adds a closed candle and returns the ATR at it. */
  next(candle: HlcCandle): number {
    return this.step(candle, true);
  }

  /** The ATR if `candle` came next, without adding it. */
  peek(candle: HlcCandle): number {
    return this.step(candle, false);
  }

  toJSON(): AtrStateJSON {
    return {
      kind: 'atr',
      period: this.period,
      count: this.count,
      prevClose: toJsonNumber(this.prevClose),
      total: toJsonNumber(this.total),
      prev: toJsonNumber(this.prev),
    };
  }

  static fromJSON(json: unknown): AtrState {
    const s = parseState('atr', atrStateSchema, json);
    const state = new AtrState(parseState('atr', atrParams, { period: s.period }));
    state.count = s.count;
    state.prevClose = s.prevClose;
    state.total = s.total;
    state.prev = s.prev;
    return state;
  }
}
