import { z } from 'zod';
import { atr, AtrState } from './atr.ts';
import type { AtrStateJSON, HlcCandle } from './atr.ts';
import { parseState, parseWith } from '../params.ts';

export const natrParams = z.strictObject({ period: z.number().int().min(1).max(100_000).default(14) });
export type NatrParams = z.output<typeof natrParams>;

// TA-Lib's TA_IS_ZERO.
const EPSILON = 1e-14;

// The batch loop spells this out inline; both are the same expression.
const normalized = (range: number, close: number): number => (close > -EPSILON && close < EPSILON ? 0 : (range / close) * 100.0);

/** ATR as a percentage of close: (atr / close)·100, 0 when close is ~0 (TA-Lib). */
export function natr(high: Float64Array, low: Float64Array, close: Float64Array, period: number): Float64Array {
  const out = atr(high, low, close, period);
  for (let i = period; i < out.length; i++) {
    const c = close[i]!;
    out[i] = c > -EPSILON && c < EPSILON ? 0 : (out[i]! / c) * 100.0;
  }
  return out;
}

export interface NatrStateJSON {
  kind: 'natr';
  count: number;
  atr: AtrStateJSON;
}

const natrStateSchema = z.strictObject({ kind: z.literal('natr'), count: z.number().int().min(0), atr: z.unknown() });

/** O(1) streaming NATR: AtrState, normalised from index `period` on as the batch kernel, so the same bits. */
export class NatrState {
  readonly period: number;
  private count = 0;
  private atr: AtrState;

  constructor(params: Partial<NatrParams> = {}) {
    this.period = parseWith('natr', natrParams, params).period;
    this.atr = new AtrState({ period: this.period });
  }

  get params(): NatrParams {
    return { period: this.period };
  }

  private step(candle: HlcCandle, commit: boolean): number {
    const i = this.count;
    const range = commit ? this.atr.next(candle) : this.atr.peek(candle);
    if (commit) this.count++;
    return i < this.period ? range : normalized(range, candle.close);
  }

  /** Adds a closed candle and returns the NATR at it. */
  next(candle: HlcCandle): number {
    return this.step(candle, true);
  }

  /** The NATR if `candle` came next, without adding it. */
  peek(candle: HlcCandle): number {
    return this.step(candle, false);
  }

  toJSON(): NatrStateJSON {
    return { kind: 'natr', count: this.count, atr: this.atr.toJSON() };
  }

  static fromJSON(json: unknown): NatrState {
    const s = parseState('natr', natrStateSchema, json);
    const atr = AtrState.fromJSON(s.atr);
    const state = new NatrState(parseState('natr', natrParams, { period: atr.period }));
    state.count = s.count;
    state.atr = atr;
    return state;
  }
}
