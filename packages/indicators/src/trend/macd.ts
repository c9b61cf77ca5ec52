import { z } from 'zod';
import { outputArray } from '../warmup.ts';
import { EmaState, emaInto, emaK } from './ema.ts';
import { parseState, parseWith } from '../params.ts';
import type { EmaStateJSON } from './ema.ts';

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

const macdStateSchema = z.strictObject({
  kind: z.literal('macd'),
  params: z.strictObject({ fast: z.number().int(), slow: z.number().int(), signal: z.number().int() }),
  count: z.number().int().min(0),
  fast: z.unknown(),
  slow: z.unknown(),
  signal: z.unknown(),
});

/** O(1) streaming MACD, same bits as the batch kernel. */
export class MacdState {
  readonly params: MacdParams;
  private count = 0;
  private fast: EmaState;
  private slow: EmaState;
  private signal: EmaState;

  constructor(params: Partial<MacdParams> = {}) {
    this.params = parseWith('macd', macdParams, params);
    this.fast = new EmaState({ period: this.params.fast });
    this.slow = new EmaState({ period: this.params.slow });
    this.signal = new EmaState({ period: this.params.signal });
  }

  next(value: number): MacdValue {
    const { fast, slow } = this.params;
    const i = this.count++;
    const s = this.slow.next(value);
    const f = i >= slow - fast ? this.fast.next(value) : NaN;
    if (i < slow - 1) return { macd: NaN, signal: NaN, histogram: NaN };
    const line = f - s;
    const sig = this.signal.next(line);
    if (!this.signal.ready) return { macd: NaN, signal: NaN, histogram: NaN };
    return { macd: line, signal: sig, histogram: line - sig };
  }

  toJSON(): MacdStateJSON {
    return {
      kind: 'macd',
      params: { ...this.params },
      count: this.count,
      fast: this.fast.toJSON(),
      slow: this.slow.toJSON(),
      signal: this.signal.toJSON(),
    };
  }

  static fromJSON(json: unknown): MacdState {
    const s = parseState('macd', macdStateSchema, json);
    const state = new MacdState(s.params);
    state.count = s.count;
    state.fast = EmaState.fromJSON(s.fast);
    state.slow = EmaState.fromJSON(s.slow);
    state.signal = EmaState.fromJSON(s.signal);
    return state;
  }
}
