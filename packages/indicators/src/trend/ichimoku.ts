import { z } from 'zod';
import { outputArray } from '../warmup.ts';
import { rollingExtremes } from '../window/extremes.ts';
import { ExtremesWindow, extremesWindowSchema } from '../window/extremes-window.ts';
import type { ExtremesWindowJSON } from '../window/extremes-window.ts';
import { parseState, parseWith } from '../params.ts';
import type { HlcCandle } from '../volatility/atr.ts';

export const ichimokuParams = z.strictObject({
  tenkan: z.number().int().min(1).max(10_000).default(9),
  kijun: z.number().int().min(1).max(10_000).default(26),
  senkouB: z.number().int().min(1).max(10_000).default(52),
});
export type IchimokuParams = z.output<typeof ichimokuParams>;

export interface IchimokuOutput {
  tenkan: Float64Array;
  kijun: Float64Array;
  senkouA: Float64Array;
  senkouB: Float64Array;
  chikou: Float64Array;
}

/**
 * Ichimoku Kinko Hyo (TA-Lib has none). Each line is the midpoint (highest high + lowest low)/2 of
 * its window including the current candle; senkouA = (tenkan + kijun)/2; chikou = close.
 * Convention for same-length arrays: every value sits at the candle it is computed from, without
 * displacement — the chart draws senkou A/B `kijun` candles ahead and chikou `kijun` candles behind.
 * That keeps the series causal (nothing from the future), keeps the projected cloud's last `kijun`
 * values (which a shifted same-length array would drop), and leaves no trailing NaN.
 * Cross-checked against trading-signals' IchimokuCloud (which also reports unshifted values).
 */
export function ichimoku(
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  tenkanPeriod: number,
  kijunPeriod: number,
  senkouBPeriod: number,
): IchimokuOutput {
  const n = close.length;
  const tenkan = outputArray(n, tenkanPeriod - 1);
  const kijun = outputArray(n, kijunPeriod - 1);
  const senkouB = outputArray(n, senkouBPeriod - 1);
  const aLb = Math.max(tenkanPeriod, kijunPeriod) - 1;
  const senkouA = outputArray(n, aLb);
  const chikou = close.slice();
  midpoints(high, low, tenkanPeriod, tenkan);
  midpoints(high, low, kijunPeriod, kijun);
  midpoints(high, low, senkouBPeriod, senkouB);
  for (let i = aLb; i < n; i++) senkouA[i] = (tenkan[i]! + kijun[i]!) / 2;
  return { tenkan, kijun, senkouA, senkouB, chikou };
}

function midpoints(high: Float64Array, low: Float64Array, period: number, out: Float64Array): void {
  const lo = new Float64Array(high.length);
  rollingExtremes(high, low, 0, period, out, lo);
  for (let i = period - 1; i < out.length; i++) out[i] = (out[i]! + lo[i]!) / 2;
}

export interface IchimokuValue {
  tenkan: number;
  kijun: number;
  senkouA: number;
  senkouB: number;
  chikou: number;
}

export interface IchimokuStateJSON {
  kind: 'ichimoku';
  tenkan: ExtremesWindowJSON;
  kijun: ExtremesWindowJSON;
  senkouB: ExtremesWindowJSON;
}

const ichimokuStateSchema = z.strictObject({
  kind: z.literal('ichimoku'),
  tenkan: extremesWindowSchema,
  kijun: extremesWindowSchema,
  senkouB: extremesWindowSchema,
});

function midpoint(w: ExtremesWindow, candle: { high: number; low: number }, commit: boolean): number {
  w.step(candle.high, candle.low, commit);
  return (w.highest + w.lowest) / 2;
}

/** Streaming Ichimoku (amortised O(1)): three windows' midpoints, unshifted like the batch kernel, so the same bits. */
export class IchimokuState {
  readonly params: IchimokuParams;
  private tenkan: ExtremesWindow;
  private kijun: ExtremesWindow;
  private senkouB: ExtremesWindow;

  constructor(params: Partial<IchimokuParams> = {}) {
    this.params = parseWith('ichimoku', ichimokuParams, params);
    this.tenkan = new ExtremesWindow(this.params.tenkan);
    this.kijun = new ExtremesWindow(this.params.kijun);
    this.senkouB = new ExtremesWindow(this.params.senkouB);
  }

  private step(candle: HlcCandle, commit: boolean): IchimokuValue {
    const tenkan = midpoint(this.tenkan, candle, commit);
    const kijun = midpoint(this.kijun, candle, commit);
    const senkouB = midpoint(this.senkouB, candle, commit);
    return { tenkan, kijun, senkouA: (tenkan + kijun) / 2, senkouB, chikou: candle.close };
  }

  /** Adds a closed candle and returns the five lines at it. */
  next(candle: HlcCandle): IchimokuValue {
    return this.step(candle, true);
  }

  /** The five lines if `candle` came next, without adding it. */
  peek(candle: HlcCandle): IchimokuValue {
    return this.step(candle, false);
  }

  toJSON(): IchimokuStateJSON {
    return { kind: 'ichimoku', tenkan: this.tenkan.toJSON(), kijun: this.kijun.toJSON(), senkouB: this.senkouB.toJSON() };
  }

  static fromJSON(json: unknown): IchimokuState {
    const s = parseState('ichimoku', ichimokuStateSchema, json);
    const params = parseState('ichimoku', ichimokuParams, { tenkan: s.tenkan.period, kijun: s.kijun.period, senkouB: s.senkouB.period });
    const state = new IchimokuState(params);
    state.tenkan = ExtremesWindow.from('ichimoku', s.tenkan, params.tenkan);
    state.kijun = ExtremesWindow.from('ichimoku', s.kijun, params.kijun);
    state.senkouB = ExtremesWindow.from('ichimoku', s.senkouB, params.senkouB);
    return state;
  }
}
