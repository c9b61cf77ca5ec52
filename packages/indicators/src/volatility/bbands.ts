import { z } from 'zod';
import { outputArray } from '../warmup.ts';
import { parseState, parseWith } from '../params.ts';
import { jsonNumber, jsonNumberArray, toJsonNumber, toJsonNumbers } from '../state-json.ts';
import { InvalidStateError } from '../errors.ts';

export const bbandsParams = z.strictObject({
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

/**
 * Bollinger Bands: SMA middle, population std-dev (TA-Lib's conventions), in one O(1)-per-value pass.
 * TA-Lib keeps running sums of x and x² and takes E[x²] − mean²: on prices ~100 with a small
 * window variance that difference cancels most of its digits, and the sums drift over a long series
 * (TA-Lib's own BBANDS(2) %B on a 10k random walk is off by up to 1e-3), and it zeroes any variance
 * below 1e-14, which collapses the bands of assets priced below ~1e-5. Wick keeps the running sums of
 * x − K instead, re-anchoring K to the latest value and recomputing the window's sums every `period`
 * values (amortised O(1), no drift), and clamps only negative rounding noise. The bands agree with
 * TA-Lib to ~1e-13 relative; %B and bandwidth (which TA-Lib lacks) are then exact to ~1e-12 absolute.
 * %B = (close − lower)/(upper − lower), 0.5 when the band has zero width;
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
  let anchor = src[0]!;
  let s1 = 0;
  let s2 = 0;
  for (let i = 0; i < lb; i++) {
    const d = src[i]! - anchor;
    s1 += d;
    s2 += d * d;
  }
  // Re-anchor where i % period === 0; the first such i after lb = period − 1 is period.
  let untilAnchor = 2;
  for (let i = lb; i < n; i++) {
    if (--untilAnchor === 0) {
      untilAnchor = period;
      anchor = src[i - 1]!;
      s1 = 0;
      s2 = 0;
      for (let j = i - lb; j < i; j++) {
        const d = src[j]! - anchor;
        s1 += d;
        s2 += d * d;
      }
    }
    const v = src[i]!;
    const d = v - anchor;
    s1 += d;
    s2 += d * d;
    const meanD = s1 / period;
    const var2 = s2 / period - meanD * meanD;
    const old = src[i - lb]! - anchor;
    s1 -= old;
    s2 -= old * old;
    const mid = anchor + meanD;
    const dev = (var2 > 0 ? Math.sqrt(var2) : 0) * stdDev;
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
  anchor: number | null;
  s1: number | null;
  s2: number | null;
}

const bbandsStateSchema = z.strictObject({
  kind: z.literal('bbands'),
  period: z.number().int().min(2),
  stdDev: z.number(),
  ring: jsonNumberArray,
  count: z.number().int().min(0),
  anchor: jsonNumber,
  s1: jsonNumber,
  s2: jsonNumber,
});

const WARMUP: BbandsValue = Object.freeze({ middle: NaN, upper: NaN, lower: NaN, percentB: NaN, bandwidth: NaN });

/** O(1) streaming Bollinger Bands, same bits as the batch kernel (same anchors, same order). */
export class BbandsState {
  readonly period: number;
  readonly stdDev: number;
  private readonly ring: Float64Array;
  private count = 0;
  private anchor = NaN;
  private s1 = 0;
  private s2 = 0;

  constructor(params: Partial<BbandsParams> = {}) {
    const p = parseWith('bbands', bbandsParams, params);
    this.period = p.period;
    this.stdDev = p.stdDev;
    this.ring = new Float64Array(p.period);
  }

  get params(): BbandsParams {
    return { period: this.period, stdDev: this.stdDev };
  }

  private step(value: number, commit: boolean): BbandsValue {
    const p = this.period;
    const i = this.count;
    if (commit) this.count++;
    if (i < p - 1) {
      if (commit) {
        if (i === 0) this.anchor = value;
        const d = value - this.anchor;
        this.s1 += d;
        this.s2 += d * d;
        this.ring[i % p] = value;
      }
      return { ...WARMUP };
    }
    let anchor = this.anchor;
    let s1 = this.s1;
    let s2 = this.s2;
    if (i % p === 0) {
      anchor = this.ring[(i - 1) % p]!;
      s1 = 0;
      s2 = 0;
      for (let j = i - p + 1; j < i; j++) {
        const d = this.ring[j % p]! - anchor;
        s1 += d;
        s2 += d * d;
      }
    }
    const d = value - anchor;
    s1 += d;
    s2 += d * d;
    const meanD = s1 / p;
    const var2 = s2 / p - meanD * meanD;
    if (commit) {
      // The window is i−p+1 … i; its oldest value sits at slot (i+1) % p (period ≥ 2).
      const old = this.ring[(i + 1) % p]! - anchor;
      this.ring[i % p] = value;
      this.anchor = anchor;
      this.s1 = s1 - old;
      this.s2 = s2 - old * old;
    }
    const mid = anchor + meanD;
    const dev = (var2 > 0 ? Math.sqrt(var2) : 0) * this.stdDev;
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

  /** Adds a value (a closed candle's close) and returns the bands at it. */
  next(value: number): BbandsValue {
    return this.step(value, true);
  }

  /** The bands if `value` came next, without adding it. */
  peek(value: number): BbandsValue {
    return this.step(value, false);
  }

  toJSON(): BbandsStateJSON {
    return {
      kind: 'bbands',
      period: this.period,
      stdDev: this.stdDev,
      ring: toJsonNumbers(this.ring),
      count: this.count,
      anchor: toJsonNumber(this.anchor),
      s1: toJsonNumber(this.s1),
      s2: toJsonNumber(this.s2),
    };
  }

  static fromJSON(json: unknown): BbandsState {
    const s = parseState('bbands', bbandsStateSchema, json);
    const state = new BbandsState(parseState('bbands', bbandsParams, { period: s.period, stdDev: s.stdDev }));
    if (s.ring.length !== s.period) throw new InvalidStateError('bbands', `ring length ${s.ring.length} != period ${s.period}`);
    state.ring.set(s.ring);
    state.count = s.count;
    state.anchor = s.anchor;
    state.s1 = s.s1;
    state.s2 = s.s2;
    return state;
  }
}
