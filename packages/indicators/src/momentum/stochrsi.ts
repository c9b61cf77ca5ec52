import { z } from 'zod';
import { outputArray } from '../warmup.ts';
import { rsiInto, RsiState } from './rsi.ts';
import type { RsiStateJSON } from './rsi.ts';
import { fastK, fastKInto } from './stoch.ts';
import { SmaCore, smaCoreSchema, smaInto } from '../trend/sma.ts';
import type { SmaCoreJSON } from '../trend/sma.ts';
import { ExtremesWindow, extremesWindowSchema } from '../window/extremes-window.ts';
import type { ExtremesWindowJSON } from '../window/extremes-window.ts';
import { parseState, parseWith } from '../params.ts';
import { InvalidStateError } from '../errors.ts';

export const stochrsiParams = z.strictObject({
  rsiPeriod: z.number().int().min(2).max(100_000).default(14),
  kPeriod: z.number().int().min(1).max(10_000).default(14),
  dPeriod: z.number().int().min(1).max(10_000).default(3),
});
export type StochrsiParams = z.output<typeof stochrsiParams>;

/**
 * RSI is computed in running sums, so a series that is flat in theory (e.g. after a single spike has
 * left the window) carries ~1e-14 of rounding wobble; a stochastic of it would scale that to
 * full-scale 0/50/100 readings for hundreds of candles (TA-Lib and Tulip do). A window of RSI values
 * whose range is below 1e-10 of the RSI scale (1e-8 on 0…100) is taken as flat: TA-Lib's zero-range
 * rule, %K 0.
 */
export const STOCHRSI_MIN_RANGE = 1e-8;

/**
 * Stochastic RSI as TA-Lib's STOCHRSI (fast stochastic of the RSI, %D = SMA of %K, no extra %K
 * smoothing — TradingView's variant smooths %K, TA-Lib's does not), except for the flat-window rule
 * above. Both outputs start at rsiPeriod + kPeriod−1 + dPeriod−1.
 */
export function stochrsi(src: Float64Array, rsiPeriod: number, kPeriod: number, dPeriod: number): { k: Float64Array; d: Float64Array } {
  const n = src.length;
  const lb = rsiPeriod + (kPeriod - 1) + (dPeriod - 1);
  const r = new Float64Array(n);
  rsiInto(src, 0, n, rsiPeriod, r);
  const k = outputArray(n, rsiPeriod + kPeriod - 1);
  fastKInto(r, r, r, rsiPeriod, kPeriod, k, STOCHRSI_MIN_RANGE);
  const d = outputArray(n, lb);
  smaInto(k, rsiPeriod + kPeriod - 1, n, dPeriod, d);
  k.fill(NaN, 0, lb < n ? lb : n);
  return { k, d };
}

export interface StochrsiValue {
  k: number;
  d: number;
}

export interface StochrsiStateJSON {
  kind: 'stochrsi';
  params: StochrsiParams;
  count: number;
  rsi: RsiStateJSON;
  window: ExtremesWindowJSON;
  fastD: SmaCoreJSON;
}

const stochrsiStateSchema = z.strictObject({
  kind: z.literal('stochrsi'),
  params: z.strictObject({ rsiPeriod: z.number(), kPeriod: z.number(), dPeriod: z.number() }),
  count: z.number().int().min(0),
  rsi: z.unknown(),
  window: extremesWindowSchema,
  fastD: smaCoreSchema,
});

/** Streaming Stochastic RSI (amortised O(1)): RsiState, the window and the %D SMA of the batch kernel, so the same bits. */
export class StochrsiState {
  readonly params: StochrsiParams;
  private count = 0;
  private rsi: RsiState;
  private window: ExtremesWindow;
  private fastD: SmaCore;

  constructor(params: Partial<StochrsiParams> = {}) {
    this.params = parseWith('stochrsi', stochrsiParams, params);
    this.rsi = new RsiState({ period: this.params.rsiPeriod });
    this.window = new ExtremesWindow(this.params.kPeriod);
    this.fastD = new SmaCore(this.params.dPeriod);
  }

  private step(value: number, commit: boolean): StochrsiValue {
    const { rsiPeriod, kPeriod, dPeriod } = this.params;
    const i = this.count;
    if (commit) this.count++;
    const r = commit ? this.rsi.next(value) : this.rsi.peek(value);
    if (i < rsiPeriod) return { k: NaN, d: NaN };
    this.window.step(r, r, commit);
    if (i < rsiPeriod + kPeriod - 1) return { k: NaN, d: NaN };
    const k = fastK(r, this.window.highest, this.window.lowest, STOCHRSI_MIN_RANGE);
    const d = this.fastD.step(k, commit);
    if (i < rsiPeriod + (kPeriod - 1) + (dPeriod - 1)) return { k: NaN, d: NaN };
    return { k, d };
  }

  /** Adds a value (a closed candle's close) and returns %K and %D at it. */
  next(value: number): StochrsiValue {
    return this.step(value, true);
  }

  /** %K and %D if `value` came next, without adding it. */
  peek(value: number): StochrsiValue {
    return this.step(value, false);
  }

  toJSON(): StochrsiStateJSON {
    return {
      kind: 'stochrsi',
      params: { ...this.params },
      count: this.count,
      rsi: this.rsi.toJSON(),
      window: this.window.toJSON(),
      fastD: this.fastD.toJSON(),
    };
  }

  static fromJSON(json: unknown): StochrsiState {
    const s = parseState('stochrsi', stochrsiStateSchema, json);
    const state = new StochrsiState(parseState('stochrsi', stochrsiParams, s.params));
    const { rsiPeriod, kPeriod, dPeriod } = state.params;
    const rsi = RsiState.fromJSON(s.rsi);
    if (rsi.period !== rsiPeriod) throw new InvalidStateError('stochrsi', `RSI of period ${rsi.period} where ${rsiPeriod} was expected`);
    state.count = s.count;
    state.rsi = rsi;
    state.window = ExtremesWindow.from('stochrsi', s.window, kPeriod);
    state.fastD = SmaCore.forPeriod('stochrsi', s.fastD, dPeriod);
    return state;
  }
}
