import { z } from 'zod';
import { outputArray } from '../warmup.ts';
import { jsonNumber, jsonNumberArray, toJsonNumber, toJsonNumbers } from '../state-json.ts';
import { parseState, parseWith } from '../params.ts';
import { InvalidStateError } from '../errors.ts';

export const smaParams = z.strictObject({ period: z.number().int().min(2).max(100_000).default(20) });
export type SmaParams = z.output<typeof smaParams>;

/**
 * Simple moving average over src[start..end) written into out[start+period-1..end).
 * Running sum exactly as TA-Lib's INT_SMA (add newest, take the total, then drop the oldest), so
 * values match TA-Lib bit for bit; the drift of a running sum over 1 M points stays ~1e-12 relative.
 */
export function smaInto(src: Float64Array, start: number, end: number, period: number, out: Float64Array): void {
  if (period === 1) {
    // As TA-Lib's MA(1): a copy, so a NaN does not stay in a running sum.
    for (let i = start; i < end; i++) out[i] = src[i]!;
    return;
  }
  const first = start + period - 1;
  if (first >= end) return;
  let total = 0;
  for (let i = start; i < first; i++) total += src[i]!;
  let trailing = start;
  for (let i = first; i < end; i++) {
    total += src[i]!;
    out[i] = total / period;
    total -= src[trailing++]!;
  }
}

export function sma(src: Float64Array, period: number): Float64Array {
  const out = outputArray(src.length, period - 1);
  smaInto(src, 0, src.length, period, out);
  return out;
}

export interface SmaStateJSON {
  kind: 'sma';
  period: number;
  ring: (number | null)[];
  count: number;
  total: number | null;
}

const smaStateSchema = z.strictObject({
  kind: z.literal('sma'),
  period: z.number().int().min(2),
  ring: jsonNumberArray,
  count: z.number().int().min(0),
  total: jsonNumber,
});

/** O(1) streaming SMA; same arithmetic order as the batch kernel, so the same bits. */
export class SmaState {
  readonly period: number;
  private readonly ring: Float64Array;
  private count = 0;
  private total = 0;

  constructor(params: Partial<SmaParams> = {}) {
    this.period = parseWith('sma', smaParams, params).period;
    this.ring = new Float64Array(this.period);
  }

  next(value: number): number {
    const p = this.period;
    const slot = this.count % p;
    this.count++;
    this.total += value;
    if (this.count < p) {
      this.ring[slot] = value;
      return NaN;
    }
    const out = this.total / p;
    // The window is values count-p … count-1; count-p sits at slot count % p (the newest itself when p = 1).
    const oldest = p === 1 ? value : this.ring[this.count % p]!;
    this.ring[slot] = value;
    this.total -= oldest;
    return out;
  }

  toJSON(): SmaStateJSON {
    return {
      kind: 'sma',
      period: this.period,
      ring: toJsonNumbers(this.ring),
      count: this.count,
      total: toJsonNumber(this.total),
    };
  }

  static fromJSON(json: unknown): SmaState {
    const s = parseState('sma', smaStateSchema, json);
    const state = new SmaState({ period: s.period });
    if (s.ring.length !== s.period) throw new InvalidStateError('sma', `ring length ${s.ring.length} != period ${s.period}`);
    state.ring.set(s.ring);
    state.count = s.count;
    state.total = s.total;
    return state;
  }
}
