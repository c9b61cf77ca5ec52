import { z } from 'zod';
import { outputArray } from '../warmup.ts';
import { jsonNumber, jsonNumberArray, toJsonNumber, toJsonNumbers } from '../state-json.ts';
import { parseState, parseWith } from '../params.ts';
import { InvalidStateError } from '../errors.ts';

export const mfiParams = z.strictObject({ period: z.number().int().min(2).max(100_000).default(14) });
export type MfiParams = z.output<typeof mfiParams>;

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

export interface MfiCandle {
  high: number;
  low: number;
  close: number;
  volume: number;
}

export interface MfiStateJSON {
  kind: 'mfi';
  period: number;
  count: number;
  prev: number | null;
  pos: (number | null)[];
  neg: (number | null)[];
  posSum: number | null;
  negSum: number | null;
  posCount: number;
  negCount: number;
}

const mfiStateSchema = z.strictObject({
  kind: z.literal('mfi'),
  period: z.number().int(),
  count: z.number().int().min(0),
  prev: jsonNumber,
  pos: jsonNumberArray,
  neg: jsonNumberArray,
  posSum: jsonNumber,
  negSum: jsonNumber,
  posCount: z.number().int().min(0),
  negCount: z.number().int().min(0),
});

/** O(1) streaming MFI: the batch kernel's flow rings, sums and counts, so the same bits. */
export class MfiState {
  readonly period: number;
  private count = 0;
  private prev = NaN;
  // Flow of change i (candle i against i−1) at slot (i−1) % period, as the batch kernel.
  private readonly pos: Float64Array;
  private readonly neg: Float64Array;
  private posSum = 0;
  private negSum = 0;
  private posCount = 0;
  private negCount = 0;

  constructor(params: Partial<MfiParams> = {}) {
    this.period = parseWith('mfi', mfiParams, params).period;
    this.pos = new Float64Array(this.period);
    this.neg = new Float64Array(this.period);
  }

  get params(): MfiParams {
    return { period: this.period };
  }

  private step(candle: MfiCandle, commit: boolean): number {
    const period = this.period;
    const i = this.count;
    const tp = (candle.high + candle.low + candle.close) / 3.0;
    const prev = this.prev;
    if (commit) {
      this.count++;
      this.prev = tp;
    }
    if (i === 0) return NaN;
    const slot = (i - 1) % period;
    let { posSum, negSum, posCount, negCount } = this;
    if (i > period) {
      const op = this.pos[slot]!;
      const on = this.neg[slot]!;
      if (op !== 0) {
        posSum -= op;
        if (--posCount === 0) posSum = 0;
      }
      if (on !== 0) {
        negSum -= on;
        if (--negCount === 0) negSum = 0;
      }
    }
    const d = tp - prev;
    const flow = tp * candle.volume;
    let posFlow = 0.0;
    let negFlow = 0.0;
    if (d < 0 && flow !== 0) {
      negFlow = flow;
      negSum += flow;
      negCount++;
    } else if (d > 0 && flow !== 0) {
      posFlow = flow;
      posSum += flow;
      posCount++;
    }
    if (commit) {
      this.pos[slot] = posFlow;
      this.neg[slot] = negFlow;
      this.posSum = posSum;
      this.negSum = negSum;
      this.posCount = posCount;
      this.negCount = negCount;
    }
    if (i < period) return NaN;
    return posCount + negCount === 0 ? 0.0 : 100.0 * (posSum / (posSum + negSum));
  }

  /** Adds a closed candle and returns the MFI at it. */
  next(candle: MfiCandle): number {
    return this.step(candle, true);
  }

  /** The MFI if `candle` came next, without adding it. */
  peek(candle: MfiCandle): number {
    return this.step(candle, false);
  }

  toJSON(): MfiStateJSON {
    return {
      kind: 'mfi',
      period: this.period,
      count: this.count,
      prev: toJsonNumber(this.prev),
      pos: toJsonNumbers(this.pos),
      neg: toJsonNumbers(this.neg),
      posSum: toJsonNumber(this.posSum),
      negSum: toJsonNumber(this.negSum),
      posCount: this.posCount,
      negCount: this.negCount,
    };
  }

  static fromJSON(json: unknown): MfiState {
    const s = parseState('mfi', mfiStateSchema, json);
    const state = new MfiState(parseState('mfi', mfiParams, { period: s.period }));
    if (s.pos.length !== s.period || s.neg.length !== s.period) {
      throw new InvalidStateError('mfi', `flow rings of ${s.pos.length} and ${s.neg.length} != period ${s.period}`);
    }
    state.count = s.count;
    state.prev = s.prev;
    state.pos.set(s.pos);
    state.neg.set(s.neg);
    state.posSum = s.posSum;
    state.negSum = s.negSum;
    state.posCount = s.posCount;
    state.negCount = s.negCount;
    return state;
  }
}
