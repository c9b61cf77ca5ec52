import { z } from 'zod';
import { outputArray } from '../warmup.ts';
import { jsonNumber, jsonNumberArray, toJsonNumber, toJsonNumbers } from '../state-json.ts';
import { parseState, parseWith } from '../params.ts';
import { InvalidStateError } from '../errors.ts';

export const wmaParams = z.strictObject({ period: z.number().int().min(2).max(100_000).default(20) });
export type WmaParams = z.output<typeof wmaParams>;

/**
 * Linearly weighted MA (weights 1..period, newest heaviest) in O(1) per value with TA-Lib's
 * two running sums: the weighted total drops the plain window sum each step.
 */
export function wma(src: Float64Array, period: number): Float64Array {
  const n = src.length;
  const out = outputArray(n, period - 1);
  if (period === 1) {
    out.set(src);
    return out;
  }
  const divider = (period * (period + 1)) >> 1;
  let periodSum = 0;
  let periodSub = 0;
  let i = 0;
  const first = period - 1;
  if (first >= n) return out;
  for (; i < first; i++) {
    const v = src[i]!;
    periodSub += v;
    periodSum += v * (i + 1);
  }
  let trailingValue = 0;
  let trailing = 0;
  for (; i < n; i++) {
    const v = src[i]!;
    periodSub += v;
    periodSub -= trailingValue;
    periodSum += v * period;
    trailingValue = src[trailing++]!;
    out[i] = periodSum / divider;
    periodSum -= periodSub;
  }
  return out;
}

export interface WmaStateJSON {
  kind: 'wma';
  period: number;
  ring: (number | null)[];
  count: number;
  periodSum: number | null;
  periodSub: number | null;
  trailingValue: number | null;
}

const wmaStateSchema = z.strictObject({
  kind: z.literal('wma'),
  period: z.number().int(),
  ring: jsonNumberArray,
  count: z.number().int().min(0),
  periodSum: jsonNumber,
  periodSub: jsonNumber,
  trailingValue: jsonNumber,
});

/** O(1) streaming WMA: the batch kernel's two running sums in its order, so the same bits. */
export class WmaState {
  readonly period: number;
  // The last `period` values, value i at slot i % period (the trailing value is read from here).
  private readonly ring: Float64Array;
  private count = 0;
  private periodSum = 0;
  private periodSub = 0;
  private trailingValue = 0;

  constructor(params: Partial<WmaParams> = {}) {
    this.period = parseWith('wma', wmaParams, params).period;
    this.ring = new Float64Array(this.period);
  }

  get params(): WmaParams {
    return { period: this.period };
  }

  private step(v: number, commit: boolean): number {
    const p = this.period;
    const i = this.count;
    if (i < p - 1) {
      if (commit) {
        this.periodSub += v;
        this.periodSum += v * (i + 1);
        this.ring[i % p] = v;
        this.count++;
      }
      return NaN;
    }
    let periodSub = this.periodSub + v;
    periodSub -= this.trailingValue;
    const periodSum = this.periodSum + v * p;
    const out = periodSum / ((p * (p + 1)) >> 1);
    if (commit) {
      // The batch kernel's trailing value after step i is value i−p+1, at slot (i+1) % p.
      this.trailingValue = this.ring[(i + 1) % p]!;
      this.ring[i % p] = v;
      this.periodSub = periodSub;
      this.periodSum = periodSum - periodSub;
      this.count++;
    }
    return out;
  }

  /** Adds a value (a closed candle's close) and returns the WMA at it. */
  next(value: number): number {
    return this.step(value, true);
  }

  /** The WMA if `value` came next, without adding it. */
  peek(value: number): number {
    return this.step(value, false);
  }

  toJSON(): WmaStateJSON {
    return {
      kind: 'wma',
      period: this.period,
      ring: toJsonNumbers(this.ring),
      count: this.count,
      periodSum: toJsonNumber(this.periodSum),
      periodSub: toJsonNumber(this.periodSub),
      trailingValue: toJsonNumber(this.trailingValue),
    };
  }

  static fromJSON(json: unknown): WmaState {
    const s = parseState('wma', wmaStateSchema, json);
    const state = new WmaState(parseState('wma', wmaParams, { period: s.period }));
    if (s.ring.length !== s.period) throw new InvalidStateError('wma', `ring length ${s.ring.length} != period ${s.period}`);
    state.ring.set(s.ring);
    state.count = s.count;
    state.periodSum = s.periodSum;
    state.periodSub = s.periodSub;
    state.trailingValue = s.trailingValue;
    return state;
  }
}
