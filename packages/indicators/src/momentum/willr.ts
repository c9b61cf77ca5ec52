import { z } from 'zod';
import { outputArray } from '../warmup.ts';
import { parseState, parseWith } from '../params.ts';
import { ExtremesWindow, extremesWindowSchema } from '../window/extremes-window.ts';
import type { ExtremesWindowJSON } from '../window/extremes-window.ts';
import type { HlcCandle } from '../volatility/atr.ts';

export const willrParams = z.strictObject({ period: z.number().int().min(2).max(100_000).default(14) });
export type WillrParams = z.output<typeof willrParams>;

/** TA-Lib's expression: (highest − close)/((highest − lowest)/−100), 0 on a zero range. */
function percentR(close: number, highest: number, lowest: number): number {
  const diff = (highest - lowest) / -100.0;
  return diff !== 0.0 ? (highest - close) / diff : 0.0;
}

/** Williams %R in [−100, 0]: (highest − close)/((highest − lowest)/−100), 0 on a zero range (TA-Lib). */
export function willr(high: Float64Array, low: Float64Array, close: Float64Array, period: number): Float64Array {
  const n = close.length;
  const out = outputArray(n, period - 1);
  // The window scan of rollingExtremes (see window/extremes.ts), fused so no temporary arrays are needed.
  let hIdx = -1;
  let lIdx = -1;
  let highest = 0;
  let lowest = 0;
  for (let i = period - 1, trailing = 0; i < n; i++, trailing++) {
    const h = high[i]!;
    if (hIdx < trailing) {
      hIdx = trailing;
      highest = high[trailing]!;
      for (let j = trailing + 1; j <= i; j++) {
        const v = high[j]!;
        if (v > highest) {
          highest = v;
          hIdx = j;
        }
      }
    } else if (h >= highest) {
      hIdx = i;
      highest = h;
    }
    const l = low[i]!;
    if (lIdx < trailing) {
      lIdx = trailing;
      lowest = low[trailing]!;
      for (let j = trailing + 1; j <= i; j++) {
        const v = low[j]!;
        if (v < lowest) {
          lowest = v;
          lIdx = j;
        }
      }
    } else if (l <= lowest) {
      lIdx = i;
      lowest = l;
    }
    // percentR, spelled out inline.
    const diff = (highest - lowest) / -100.0;
    out[i] = diff !== 0.0 ? (highest - close[i]!) / diff : 0.0;
  }
  return out;
}

export interface WillrStateJSON {
  kind: 'willr';
  window: ExtremesWindowJSON;
}

const willrStateSchema = z.strictObject({ kind: z.literal('willr'), window: extremesWindowSchema });

/** Streaming Williams %R (amortised O(1)): the batch kernel's window and expression, so the same bits. */
export class WillrState {
  readonly period: number;
  private window: ExtremesWindow;

  constructor(params: Partial<WillrParams> = {}) {
    this.period = parseWith('willr', willrParams, params).period;
    this.window = new ExtremesWindow(this.period);
  }

  get params(): WillrParams {
    return { period: this.period };
  }

  private step(candle: HlcCandle, commit: boolean): number {
    const full = this.window.fullNext;
    this.window.step(candle.high, candle.low, commit);
    return full ? percentR(candle.close, this.window.highest, this.window.lowest) : NaN;
  }

  /** Adds a closed candle and returns %R at it. */
  next(candle: HlcCandle): number {
    return this.step(candle, true);
  }

  /** %R if `candle` came next, without adding it. */
  peek(candle: HlcCandle): number {
    return this.step(candle, false);
  }

  toJSON(): WillrStateJSON {
    return { kind: 'willr', window: this.window.toJSON() };
  }

  static fromJSON(json: unknown): WillrState {
    const s = parseState('willr', willrStateSchema, json);
    const state = new WillrState(parseState('willr', willrParams, { period: s.window.period }));
    state.window = ExtremesWindow.from('willr', s.window, state.period);
    return state;
  }
}
