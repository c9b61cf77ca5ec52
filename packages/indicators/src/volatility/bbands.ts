import { z } from 'zod';
import { outputArray } from '../warmup.ts';
import { parseState, parseWith } from '../params.ts';
import { jsonNumber, jsonNumberArray, toJsonNumber, toJsonNumbers } from '../state-json.ts';
import { InvalidStateError } from '../errors.ts';

export const bbandsParams = z.object({
  period: z.number().int().min(2).max(100_000).default(20),
  stdDev: z.number().min(0).max(100).default(2),
});
export type BbandsParams = z.output<typeof bbandsParams>;

export interface BbandsOutput {
  middle: Float64Array;
  upper: Float64Array;
  lower: Float64Array;
  percentB: Float64Array;
  bandwidth: Float64Array;
}

// TA-Lib's TA_IS_ZERO_OR_NEG: a variance below 1e-14 (rounding noise of the running sums) is 0.
const EPSILON = 1e-14;

/**
 * Bollinger Bands as TA-Lib (SMA middle, population std-dev): one pass with running sums of x and
 * x², variance = E[x²] − SMA², in TA-Lib's exact order, so values match TA-Lib's bits (and share
 * its cancellation error on large, nearly flat prices: ~1e-16·price²/variance relative).
 * Extras TA-Lib lacks: %B = (close − lower)/(upper − lower), 0.5 when the band has zero width;
 * bandwidth = (upper − lower)/middle, 0 when middle is 0.
 */
export function bbands(src: Float64Array, period: number, stdDev: number): BbandsOutput {
  const n = src.length;
  const lb = period - 1;
  const middle = outputArray(n, lb);
  const upper = outputArray(n, lb);
  const lower = outputArray(n, lb);
  const percentB = outputArray(n, lb);
  const bandwidth = outputArray(n, lb);
  if (lb >= n) return { middle, upper, lower, percentB, bandwidth };
  let total = 0;
  let total2 = 0;
  for (let i = 0; i < lb; i++) {
    const v = src[i]!;
    total += v;
    total2 += v * v;
  }
  let trailing = 0;
  for (let i = lb; i < n; i++) {
    const v = src[i]!;
    total += v;
    const mid = total / period;
    total2 += v * v;
    let var2 = total2 / period;
    const old = src[trailing++]!;
    total -= old;
    total2 -= old * old;
    var2 -= mid * mid;
    const sd = var2 < EPSILON ? 0 : Math.sqrt(var2);
    const dev = sd * stdDev;
    const up = mid + dev;
    const lo = mid - dev;
    middle[i] = mid;
    upper[i] = up;
    lower[i] = lo;
    const width = up - lo;
    percentB[i] = width === 0 ? 0.5 : (v - lo) / width;
    bandwidth[i] = mid === 0 ? 0 : width / mid;
  }
  return { middle, upper, lower, percentB, bandwidth };
}

export interface BbandsValue {
  middle: number;
  upper: number;
  lower: number;
  percentB: number;
  bandwidth: number;
}

export interface BbandsStateJSON {
  kind: 'bbands';
  period: number;
  stdDev: number;
  ring: (number | null)[];
  count: number;
  total: number | null;
  total2: number | null;
}

const bbandsStateSchema = z.object({
  kind: z.literal('bbands'),
  period: z.number().int().min(2),
  stdDev: z.number(),
  ring: jsonNumberArray,
  count: z.number().int().min(0),
  total: jsonNumber,
  total2: jsonNumber,
});

const WARMUP: BbandsValue = Object.freeze({ middle: NaN, upper: NaN, lower: NaN, percentB: NaN, bandwidth: NaN });

/** O(1) streaming Bollinger Bands, same bits as the batch kernel. */
export class BbandsState {
  readonly period: number;
  readonly stdDev: number;
  private readonly ring: Float64Array;
  private count = 0;
  private total = 0;
  private total2 = 0;

  constructor(params: Partial<BbandsParams> = {}) {
    const p = parseWith('bbands', bbandsParams, params);
    this.period = p.period;
    this.stdDev = p.stdDev;
    this.ring = new Float64Array(p.period);
  }

  next(value: number): BbandsValue {
    const p = this.period;
    const slot = this.count % p;
    this.count++;
    this.total += value;
    if (this.count < p) {
      this.total2 += value * value;
      this.ring[slot] = value;
      return { ...WARMUP };
    }
    const mid = this.total / p;
    this.total2 += value * value;
    let var2 = this.total2 / p;
    const old = this.ring[this.count % p]!;
    this.ring[slot] = value;
    this.total -= old;
    this.total2 -= old * old;
    var2 -= mid * mid;
    const sd = var2 < EPSILON ? 0 : Math.sqrt(var2);
    const dev = sd * this.stdDev;
    const up = mid + dev;
    const lo = mid - dev;
    const width = up - lo;
    return {
      middle: mid,
      upper: up,
      lower: lo,
      percentB: width === 0 ? 0.5 : (value - lo) / width,
      bandwidth: mid === 0 ? 0 : width / mid,
    };
  }

  toJSON(): BbandsStateJSON {
    return {
      kind: 'bbands',
      period: this.period,
      stdDev: this.stdDev,
      ring: toJsonNumbers(this.ring),
      count: this.count,
      total: toJsonNumber(this.total),
      total2: toJsonNumber(this.total2),
    };
  }

  static fromJSON(json: unknown): BbandsState {
    const s = parseState('bbands', bbandsStateSchema, json);
    const state = new BbandsState({ period: s.period, stdDev: s.stdDev });
    if (s.ring.length !== s.period) throw new InvalidStateError('bbands', `ring length ${s.ring.length} != period ${s.period}`);
    state.ring.set(s.ring);
    state.count = s.count;
    state.total = s.total;
    state.total2 = s.total2;
    return state;
  }
}
