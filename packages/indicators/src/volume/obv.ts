import { z } from 'zod';
import { jsonNumber, toJsonNumber } from '../state-json.ts';
import { parseState } from '../params.ts';

export const obvParams = z.strictObject({});

/** On-balance volume, starting at volume[0] on the first bar (TA-Lib's convention), no warm-up. */
export function obv(close: Float64Array, volume: Float64Array): Float64Array {
  const n = close.length;
  const out = new Float64Array(n);
  if (n === 0) return out;
  let acc = volume[0]!;
  let prev = close[0]!;
  out[0] = acc;
  for (let i = 1; i < n; i++) {
    const c = close[i]!;
    // Branch-free: ±1/0 × volume is exact, and the direction of a close is unpredictable.
    acc += ((c > prev ? 1 : 0) - (c < prev ? 1 : 0)) * volume[i]!;
    out[i] = acc;
    prev = c;
  }
  return out;
}

export interface ObvStateJSON {
  kind: 'obv';
  count: number;
  acc: number | null;
  prev: number | null;
}

const obvStateSchema = z.strictObject({ kind: z.literal('obv'), count: z.number().int().min(0), acc: jsonNumber, prev: jsonNumber });

/** O(1) streaming OBV, same bits as the batch kernel (it starts at the first candle's volume). */
export class ObvState {
  readonly params: Record<string, never> = {};
  private count = 0;
  private acc = 0;
  private prev = NaN;

  private step(candle: { close: number; volume: number }, commit: boolean): number {
    const c = candle.close;
    const acc = this.count === 0 ? candle.volume : this.acc + ((c > this.prev ? 1 : 0) - (c < this.prev ? 1 : 0)) * candle.volume;
    if (commit) {
      this.count++;
      this.acc = acc;
      this.prev = c;
    }
    return acc;
  }

  /** Adds a closed candle and returns the OBV at it. */
  next(candle: { close: number; volume: number }): number {
    return this.step(candle, true);
  }

  /** The OBV if `candle` came next, without adding it. */
  peek(candle: { close: number; volume: number }): number {
    return this.step(candle, false);
  }

  toJSON(): ObvStateJSON {
    return { kind: 'obv', count: this.count, acc: toJsonNumber(this.acc), prev: toJsonNumber(this.prev) };
  }

  static fromJSON(json: unknown): ObvState {
    const s = parseState('obv', obvStateSchema, json);
    const state = new ObvState();
    state.count = s.count;
    state.acc = s.acc;
    state.prev = s.prev;
    return state;
  }
}
