import { z } from 'zod';
import { outputArray } from '../warmup.ts';
import { jsonNumber, toJsonNumber } from '../state-json.ts';
import { parseState, parseWith } from '../params.ts';

export const emaParams = z.strictObject({ period: z.number().int().min(2).max(100_000).default(20) });
export type EmaParams = z.output<typeof emaParams>;

/** TA-Lib's PER_TO_K. */
export function emaK(period: number): number {
  return 2 / (period + 1);
}

/**
 * EMA over src[start..end) into out[start+period-1..end), seeded with the SMA of the first
 * `period` values (TA-Lib's default, "classic" seed) and stepped as ((x - prev) * k) + prev,
 * TA-Lib's exact arithmetic.
 */
export function emaInto(src: Float64Array, start: number, end: number, period: number, k: number, out: Float64Array): void {
  const first = start + period - 1;
  if (first >= end) return;
  let total = 0;
  for (let i = start; i <= first; i++) total += src[i]!;
  let prev = total / period;
  out[first] = prev;
  for (let i = first + 1; i < end; i++) {
    prev = (src[i]! - prev) * k + prev;
    out[i] = prev;
  }
}

export function ema(src: Float64Array, period: number): Float64Array {
  const out = outputArray(src.length, period - 1);
  emaInto(src, 0, src.length, period, emaK(period), out);
  return out;
}

export interface EmaStateJSON {
  kind: 'ema';
  period: number;
  k: number;
  count: number;
  total: number | null;
  prev: number | null;
}

const emaStateSchema = z.strictObject({
  kind: z.literal('ema'),
  period: z.number().int().min(2),
  k: z.number(),
  count: z.number().int().min(0),
  total: jsonNumber,
  prev: jsonNumber,
});

/** O(1) streaming EMA, same bits as the batch kernel. `k` may be overridden (RMA, MACD's fixed 0.15/0.075). */
export class EmaState {
  readonly period: number;
  readonly k: number;
  private count = 0;
  private total = 0;
  private prev = NaN;

  constructor(params: Partial<EmaParams> = {}, k?: number) {
    this.period = parseWith('ema', emaParams, params).period;
    this.k = k ?? emaK(this.period);
  }

  /** Whether the next value produces output (the seed is complete). */
  get ready(): boolean {
    return this.count >= this.period;
  }

  next(value: number): number {
    const p = this.period;
    if (this.count >= p) {
      this.prev = (value - this.prev) * this.k + this.prev;
      return this.prev;
    }
    this.count++;
    this.total += value;
    if (this.count < p) return NaN;
    this.prev = this.total / p;
    return this.prev;
  }

  toJSON(): EmaStateJSON {
    return {
      kind: 'ema',
      period: this.period,
      k: this.k,
      count: this.count,
      total: toJsonNumber(this.total),
      prev: toJsonNumber(this.prev),
    };
  }

  static fromJSON(json: unknown): EmaState {
    const s = parseState('ema', emaStateSchema, json);
    const state = new EmaState({ period: s.period }, s.k);
    state.count = s.count;
    state.total = s.total;
    state.prev = s.prev;
    return state;
  }
}
