import { z } from 'zod';
import { outputArray } from '../warmup.ts';
import { jsonNumber, toJsonNumber } from '../state-json.ts';
import { parseState, parseWith } from '../params.ts';
import { InvalidStateError } from '../errors.ts';

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

export interface EmaCoreJSON {
  period: number;
  k: number;
  count: number;
  total: number | null;
  prev: number | null;
}

export const emaCoreFields = {
  period: z.number().int().min(1).max(100_000),
  k: z.number(),
  count: z.number().int().min(0),
  total: jsonNumber,
  prev: jsonNumber,
};
export const emaCoreSchema = z.strictObject(emaCoreFields);

/**
 * emaInto value by value (periods from 1, any k, no param parsing): the core of EmaState and of
 * the EMAs inside MACD, DEMA, TEMA and Keltner. `step(x, false)` is the value x would give, nothing changed.
 */
export class EmaCore {
  readonly period: number;
  readonly k: number;
  private count = 0;
  private total = 0;
  private prev = NaN;

  constructor(period: number, k = emaK(period)) {
    this.period = period;
    this.k = k;
  }

  /** Whether the seed is complete (the last step produced a value). */
  get ready(): boolean {
    return this.count >= this.period;
  }

  /** Whether a step from here produces a value. */
  get readyNext(): boolean {
    return this.count + 1 >= this.period;
  }

  step(value: number, commit: boolean): number {
    const p = this.period;
    if (this.count >= p) {
      const v = (value - this.prev) * this.k + this.prev;
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

  toJSON(): EmaCoreJSON {
    return { period: this.period, k: this.k, count: this.count, total: toJsonNumber(this.total), prev: toJsonNumber(this.prev) };
  }

  /** From parsed fields that must describe a classic EMA of `period` (k = emaK(period)). */
  static forPeriod(kind: string, s: z.output<typeof emaCoreSchema>, period: number): EmaCore {
    if (s.period !== period || s.k !== emaK(period)) {
      throw new InvalidStateError(kind, `EMA of period ${s.period} (k ${s.k}) where period ${period} (k ${emaK(period)}) was expected`);
    }
    return EmaCore.from(s);
  }

  /** From already-parsed fields (see emaCoreFields). */
  static from(s: z.output<typeof emaCoreSchema>): EmaCore {
    const core = new EmaCore(s.period, s.k);
    core.count = s.count;
    core.total = s.total;
    core.prev = s.prev;
    return core;
  }
}

export interface EmaStateJSON extends EmaCoreJSON {
  kind: 'ema';
}

const emaStateSchema = z.strictObject({ kind: z.literal('ema'), ...emaCoreFields });

/** O(1) streaming EMA, same bits as the batch kernel. `k` may be overridden (RMA, MACD's fixed 0.15/0.075). */
export class EmaState {
  readonly period: number;
  readonly k: number;
  private core: EmaCore;

  constructor(params: Partial<EmaParams> = {}, k?: number) {
    this.period = parseWith('ema', emaParams, params).period;
    this.k = k ?? emaK(this.period);
    this.core = new EmaCore(this.period, this.k);
  }

  get params(): EmaParams {
    return { period: this.period };
  }

  /** Whether the seed is complete (the last value produced output). */
  get ready(): boolean {
    return this.core.ready;
  }

  /** Adds a value (a closed candle's close) and returns the EMA at it. */
  next(value: number): number {
    return this.core.step(value, true);
  }

  /** The EMA if `value` came next, without adding it. */
  peek(value: number): number {
    return this.core.step(value, false);
  }

  toJSON(): EmaStateJSON {
    return { kind: 'ema', ...this.core.toJSON() };
  }

  static fromJSON(json: unknown): EmaState {
    const { kind: _kind, ...fields } = parseState('ema', emaStateSchema, json);
    const state = new EmaState(parseState('ema', emaParams, { period: fields.period }), fields.k);
    state.core = EmaCore.from(fields);
    return state;
  }
}
