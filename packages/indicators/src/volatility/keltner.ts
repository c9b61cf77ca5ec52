import { z } from 'zod';
import { outputArray } from '../warmup.ts';
import { ema, EmaCore, emaCoreSchema } from '../trend/ema.ts';
import type { EmaCoreJSON } from '../trend/ema.ts';
import { atr, AtrState } from './atr.ts';
import type { AtrStateJSON, HlcCandle } from './atr.ts';
import { parseState, parseWith } from '../params.ts';
import { InvalidStateError } from '../errors.ts';

export const keltnerParams = z.strictObject({
  period: z.number().int().min(1).max(100_000).default(20),
  atrPeriod: z.number().int().min(1).max(100_000).default(10),
  multiplier: z.number().min(0).max(100).default(2),
});
export type KeltnerParams = z.output<typeof keltnerParams>;

export interface KeltnerOutput {
  middle: Float64Array;
  upper: Float64Array;
  lower: Float64Array;
}

/**
 * Keltner Channels (TA-Lib has none). Convention of TradingView's default and trading-signals:
 * middle = EMA(close, period) (TA-Lib-style SMA seed), bands = middle ± multiplier·ATR(atrPeriod)
 * with TA-Lib's Wilder ATR. All outputs start at max(period−1, atrPeriod).
 */
export function keltner(
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  period: number,
  atrPeriod: number,
  multiplier: number,
): KeltnerOutput {
  const n = close.length;
  const lb = Math.max(period - 1, atrPeriod);
  const middle = ema(close, period);
  const range = atr(high, low, close, atrPeriod);
  const upper = outputArray(n, lb);
  const lower = outputArray(n, lb);
  middle.fill(NaN, 0, lb < n ? lb : n);
  for (let i = lb; i < n; i++) {
    const m = middle[i]!;
    const off = multiplier * range[i]!;
    upper[i] = m + off;
    lower[i] = m - off;
  }
  return { middle, upper, lower };
}

export interface KeltnerValue {
  middle: number;
  upper: number;
  lower: number;
}

export interface KeltnerStateJSON {
  kind: 'keltner';
  params: KeltnerParams;
  count: number;
  ema: EmaCoreJSON;
  atr: AtrStateJSON;
}

const keltnerStateSchema = z.strictObject({
  kind: z.literal('keltner'),
  params: z.strictObject({ period: z.number(), atrPeriod: z.number(), multiplier: z.number() }),
  count: z.number().int().min(0),
  ema: emaCoreSchema,
  atr: z.unknown(),
});

/** O(1) streaming Keltner Channels: the batch kernel's EMA and ATR, so the same bits. */
export class KeltnerState {
  readonly params: KeltnerParams;
  private count = 0;
  private ema: EmaCore;
  private atr: AtrState;

  constructor(params: Partial<KeltnerParams> = {}) {
    this.params = parseWith('keltner', keltnerParams, params);
    this.ema = new EmaCore(this.params.period);
    this.atr = new AtrState({ period: this.params.atrPeriod });
  }

  private step(candle: HlcCandle, commit: boolean): KeltnerValue {
    const { period, atrPeriod, multiplier } = this.params;
    const i = this.count;
    if (commit) this.count++;
    const m = this.ema.step(candle.close, commit);
    const range = commit ? this.atr.next(candle) : this.atr.peek(candle);
    if (i < Math.max(period - 1, atrPeriod)) return { middle: NaN, upper: NaN, lower: NaN };
    const off = multiplier * range;
    return { middle: m, upper: m + off, lower: m - off };
  }

  /** Adds a closed candle and returns the channels at it. */
  next(candle: HlcCandle): KeltnerValue {
    return this.step(candle, true);
  }

  /** The channels if `candle` came next, without adding it. */
  peek(candle: HlcCandle): KeltnerValue {
    return this.step(candle, false);
  }

  toJSON(): KeltnerStateJSON {
    return { kind: 'keltner', params: { ...this.params }, count: this.count, ema: this.ema.toJSON(), atr: this.atr.toJSON() };
  }

  static fromJSON(json: unknown): KeltnerState {
    const s = parseState('keltner', keltnerStateSchema, json);
    const state = new KeltnerState(parseState('keltner', keltnerParams, s.params));
    const atr = AtrState.fromJSON(s.atr);
    if (atr.period !== state.params.atrPeriod) {
      throw new InvalidStateError('keltner', `ATR of period ${atr.period} where ${state.params.atrPeriod} was expected`);
    }
    state.count = s.count;
    state.ema = EmaCore.forPeriod('keltner', s.ema, state.params.period);
    state.atr = atr;
    return state;
  }
}
