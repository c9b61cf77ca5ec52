import { z } from 'zod';
import { outputArray } from '../warmup.ts';
import { rollingExtremes } from '../window/extremes.ts';
import { ExtremesWindow, extremesWindowSchema } from '../window/extremes-window.ts';
import type { ExtremesWindowJSON } from '../window/extremes-window.ts';
import { parseState, parseWith } from '../params.ts';

export const donchianParams = z.strictObject({ period: z.number().int().min(2).max(100_000).default(20) });
export type DonchianParams = z.output<typeof donchianParams>;

export interface DonchianOutput {
  upper: Float64Array;
  lower: Float64Array;
  middle: Float64Array;
}

/**
 * Donchian Channels (TA-Lib has none by that name): highest high and lowest low of the last
 * `period` candles including the current one (as trading-signals and TradingView), middle = their
 * mean. Cross-checked against TA-Lib's MAX/MIN and trading-signals' DonchianChannels.
 */
export function donchian(high: Float64Array, low: Float64Array, period: number): DonchianOutput {
  const n = high.length;
  const lb = period - 1;
  const upper = outputArray(n, lb);
  const lower = outputArray(n, lb);
  const middle = outputArray(n, lb);
  rollingExtremes(high, low, 0, period, upper, lower);
  for (let i = lb; i < n; i++) middle[i] = (upper[i]! + lower[i]!) / 2;
  return { upper, lower, middle };
}

export interface DonchianValue {
  upper: number;
  lower: number;
  middle: number;
}

export interface DonchianStateJSON {
  kind: 'donchian';
  window: ExtremesWindowJSON;
}

const donchianStateSchema = z.strictObject({ kind: z.literal('donchian'), window: extremesWindowSchema });

/** Streaming Donchian Channels (amortised O(1)): the window's extremes, exact like the batch kernel's. */
export class DonchianState {
  readonly period: number;
  private window: ExtremesWindow;

  constructor(params: Partial<DonchianParams> = {}) {
    this.period = parseWith('donchian', donchianParams, params).period;
    this.window = new ExtremesWindow(this.period);
  }

  get params(): DonchianParams {
    return { period: this.period };
  }

  private step(candle: { high: number; low: number }, commit: boolean): DonchianValue {
    this.window.step(candle.high, candle.low, commit);
    const { highest, lowest } = this.window;
    return { upper: highest, lower: lowest, middle: (highest + lowest) / 2 };
  }

  /** Adds a closed candle and returns the channels at it. */
  next(candle: { high: number; low: number }): DonchianValue {
    return this.step(candle, true);
  }

  /** The channels if `candle` came next, without adding it. */
  peek(candle: { high: number; low: number }): DonchianValue {
    return this.step(candle, false);
  }

  toJSON(): DonchianStateJSON {
    return { kind: 'donchian', window: this.window.toJSON() };
  }

  static fromJSON(json: unknown): DonchianState {
    const s = parseState('donchian', donchianStateSchema, json);
    const state = new DonchianState(parseState('donchian', donchianParams, { period: s.window.period }));
    state.window = ExtremesWindow.from('donchian', s.window, state.period);
    return state;
  }
}
