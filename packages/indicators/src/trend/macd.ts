import { z } from 'zod';
import { outputArray } from '../warmup.ts';
import { EmaCore, emaCoreFields, emaInto, emaK } from './ema.ts';
import type { EmaStateJSON } from './ema.ts';
import { parseState, parseWith } from '../params.ts';

export const macdParams = z
  .strictObject({
    fast: z.number().int().min(2).max(10_000).default(12),
    slow: z.number().int().min(2).max(10_000).default(26),
    signal: z.number().int().min(2).max(10_000).default(9),
  })
  .refine((p) => p.fast < p.slow, { message: 'must be greater than fast', path: ['slow'] });
export type MacdParams = z.output<typeof macdParams>;

export interface MacdOutput {
  macd: Float64Array;
  signal: Float64Array;
  histogram: Float64Array;
}

export function macdLookback(p: MacdParams): number {
  return p.slow - 1 + (p.signal - 1);
}

/**
 * TA-Lib's MACD seeding: both EMAs first output at index slow−1, so the fast EMA is seeded by the
 * SMA of the `fast` values ending there (not of the first `fast` values); the signal EMA is seeded
 * by the SMA of the first `signal` MACD values. All three outputs start at slow−1 + signal−1.
 */
export function macd(src: Float64Array, fast: number, slow: number, signal: number): MacdOutput {
  const n = src.length;
  const lb = slow - 1 + (signal - 1);
  const line = new Float64Array(n);
  // The histogram's buffer holds the slow EMA until the end: one 8-byte-per-candle array fewer.
  const hist = new Float64Array(n);
  emaInto(src, 0, n, slow, emaK(slow), hist);
  emaInto(src, slow - fast, n, fast, emaK(fast), line);
  for (let i = slow - 1; i < n; i++) line[i] = line[i]! - hist[i]!;
  const sig = outputArray(n, lb);
  emaInto(line, slow - 1, n, signal, emaK(signal), sig);
  const w = lb < n ? lb : n;
  line.fill(NaN, 0, w);
  hist.fill(NaN, 0, w);
  for (let i = lb; i < n; i++) hist[i] = line[i]! - sig[i]!;
  return { macd: line, signal: sig, histogram: hist };
}

export interface MacdValue {
  macd: number;
  signal: number;
  histogram: number;
}

export interface MacdStateJSON {
  kind: 'macd';
  params: MacdParams;
  count: number;
  fast: EmaStateJSON;
  slow: EmaStateJSON;
  signal: EmaStateJSON;
}

const emaJson = z.strictObject({ kind: z.literal('ema'), ...emaCoreFields });
const macdStateSchema = z.strictObject({
  kind: z.literal('macd'),
  params: z.strictObject({ fast: z.number().int(), slow: z.number().int(), signal: z.number().int() }),
  count: z.number().int().min(0),
  fast: emaJson,
  slow: emaJson,
  signal: emaJson,
});

const WARMUP: MacdValue = Object.freeze({ macd: NaN, signal: NaN, histogram: NaN });
const emaStateJson = (core: EmaCore): EmaStateJSON => ({ kind: 'ema', ...core.toJSON() });

/** O(1) streaming MACD, same bits as the batch kernel. */
export class MacdState {
  readonly params: MacdParams;
  private count = 0;
  private fast: EmaCore;
  private slow: EmaCore;
  private signal: EmaCore;

  constructor(params: Partial<MacdParams> = {}) {
    this.params = parseWith('macd', macdParams, params);
    this.fast = new EmaCore(this.params.fast);
    this.slow = new EmaCore(this.params.slow);
    this.signal = new EmaCore(this.params.signal);
  }

  private step(value: number, commit: boolean): MacdValue {
    const { fast, slow } = this.params;
    const i = this.count;
    if (commit) this.count++;
    const s = this.slow.step(value, commit);
    const f = i >= slow - fast ? this.fast.step(value, commit) : NaN;
    if (i < slow - 1) return { ...WARMUP };
    const line = f - s;
    const ready = this.signal.readyNext;
    const sig = this.signal.step(line, commit);
    if (!ready) return { ...WARMUP };
    return { macd: line, signal: sig, histogram: line - sig };
  }

  /** Adds a value (a closed candle's close) and returns MACD at it. */
  next(value: number): MacdValue {
    return this.step(value, true);
  }

  /** MACD if `value` came next, without adding it. */
  peek(value: number): MacdValue {
    return this.step(value, false);
  }

  toJSON(): MacdStateJSON {
    return {
      kind: 'macd',
      params: { ...this.params },
      count: this.count,
      fast: emaStateJson(this.fast),
      slow: emaStateJson(this.slow),
      signal: emaStateJson(this.signal),
    };
  }

  static fromJSON(json: unknown): MacdState {
    const s = parseState('macd', macdStateSchema, json);
    const state = new MacdState(parseState('macd', macdParams, s.params));
    state.count = s.count;
    state.fast = EmaCore.forPeriod('macd', s.fast, state.params.fast);
    state.slow = EmaCore.forPeriod('macd', s.slow, state.params.slow);
    state.signal = EmaCore.forPeriod('macd', s.signal, state.params.signal);
    return state;
  }
}
