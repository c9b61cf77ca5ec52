import { z } from 'zod';
import { outputArray } from '../warmup.ts';
import { jsonNumber, toJsonNumber } from '../state-json.ts';
import { parseState } from '../params.ts';

export const trangeParams = z.strictObject({});

/** max(high−low, |prevClose−high|, |prevClose−low|) in TA-Lib's comparison order. */
export function trueRange(high: number, low: number, prevClose: number): number {
  let greatest = high - low;
  const v2 = Math.abs(prevClose - high);
  if (v2 > greatest) greatest = v2;
  const v3 = Math.abs(prevClose - low);
  if (v3 > greatest) greatest = v3;
  return greatest;
}

/** True range; like TA-Lib the first bar has no previous close, so index 0 is NaN (lookback 1). */
export function trange(high: Float64Array, low: Float64Array, close: Float64Array): Float64Array {
  const n = high.length;
  const out = outputArray(n, 1);
  for (let i = 1; i < n; i++) {
    out[i] = trueRange(high[i]!, low[i]!, close[i - 1]!);
  }
  return out;
}

export interface TrangeStateJSON {
  kind: 'trange';
  count: number;
  prevClose: number | null;
}

const trangeStateSchema = z.strictObject({ kind: z.literal('trange'), count: z.number().int().min(0), prevClose: jsonNumber });

/** Streaming true range: NaN for the first candle, then trueRange against the previous close. */
export class TrangeState {
  readonly params: Record<string, never> = {};
  private count = 0;
  private prevClose = NaN;

  private step(candle: { high: number; low: number; close: number }, commit: boolean): number {
    const first = this.count === 0;
    const pc = this.prevClose;
    if (commit) {
      this.count++;
      this.prevClose = candle.close;
    }
    return first ? NaN : trueRange(candle.high, candle.low, pc);
  }

  /** Adds a closed candle and returns its true range. */
  next(candle: { high: number; low: number; close: number }): number {
    return this.step(candle, true);
  }

  /** The true range if `candle` came next, without adding it. */
  peek(candle: { high: number; low: number; close: number }): number {
    return this.step(candle, false);
  }

  toJSON(): TrangeStateJSON {
    return { kind: 'trange', count: this.count, prevClose: toJsonNumber(this.prevClose) };
  }

  static fromJSON(json: unknown): TrangeState {
    const s = parseState('trange', trangeStateSchema, json);
    const state = new TrangeState();
    state.count = s.count;
    state.prevClose = s.prevClose;
    return state;
  }
}
