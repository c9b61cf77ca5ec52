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

export interface SmaCoreJSON {
  period: number;
  ring: (number | null)[];
  count: number;
  total: number | null;
}

export const smaCoreFields = {
  period: z.number().int().min(1).max(100_000),
  ring: jsonNumberArray,
  count: z.number().int().min(0),
  total: jsonNumber,
};
export const smaCoreSchema = z.strictObject(smaCoreFields);

/**
 * smaInto value by value (periods from 1, no param parsing): the core of SmaState and of the
 * SMA stages of STOCH and STOCHRSI. `step(x, false)` is the value x would give, nothing changed.
 */
export class SmaCore {
  readonly period: number;
  private readonly ring: Float64Array;
  private count = 0;
  private total = 0;

  constructor(period: number) {
    this.period = period;
    this.ring = new Float64Array(period);
  }

  step(value: number, commit: boolean): number {
    const p = this.period;
    if (p === 1) return value; // smaInto's copy
    const c = this.count;
    const total = this.total + value;
    if (c + 1 < p) {
      if (commit) {
        this.ring[c % p] = value;
        this.total = total;
        this.count = c + 1;
      }
      return NaN;
    }
    const out = total / p;
    if (commit) {
      // The window is c−p+1 … c; its oldest value, c−p+1, sits at slot (c+1) % p.
      const oldest = this.ring[(c + 1) % p]!;
      this.ring[c % p] = value;
      this.total = total - oldest;
      this.count = c + 1;
    }
    return out;
  }

  toJSON(): SmaCoreJSON {
    return { period: this.period, ring: toJsonNumbers(this.ring), count: this.count, total: toJsonNumber(this.total) };
  }

  /** From parsed fields that must describe an SMA of `period`. */
  static forPeriod(kind: string, s: z.output<typeof smaCoreSchema>, period: number): SmaCore {
    if (s.period !== period) throw new InvalidStateError(kind, `SMA of period ${s.period} where ${period} was expected`);
    return SmaCore.from(kind, s);
  }

  /** From already-parsed fields (see smaCoreFields). */
  static from(kind: string, s: z.output<typeof smaCoreSchema>): SmaCore {
    if (s.ring.length !== s.period) throw new InvalidStateError(kind, `ring length ${s.ring.length} != period ${s.period}`);
    const core = new SmaCore(s.period);
    core.ring.set(s.ring);
    core.count = s.count;
    core.total = s.total;
    return core;
  }
}

export interface SmaStateJSON extends SmaCoreJSON {
  kind: 'sma';
}

const smaStateSchema = z.strictObject({ kind: z.literal('sma'), ...smaCoreFields });

/** O(1) streaming SMA; same arithmetic order as the batch kernel, so the same bits. */
export class SmaState {
  readonly period: number;
  private core: SmaCore;

  constructor(params: Partial<SmaParams> = {}) {
    this.period = parseWith('sma', smaParams, params).period;
    this.core = new SmaCore(this.period);
  }

  get params(): SmaParams {
    return { period: this.period };
  }

  /** Adds a value (a closed candle's close) and returns the SMA at it. */
  next(value: number): number {
    return this.core.step(value, true);
  }

  /** The SMA if `value` came next, without adding it. */
  peek(value: number): number {
    return this.core.step(value, false);
  }

  toJSON(): SmaStateJSON {
    return { kind: 'sma', ...this.core.toJSON() };
  }

  static fromJSON(json: unknown): SmaState {
    const { kind: _kind, ...fields } = parseState('sma', smaStateSchema, json);
    const state = new SmaState(parseState('sma', smaParams, { period: fields.period }));
    state.core = SmaCore.from('sma', fields);
    return state;
  }
}
