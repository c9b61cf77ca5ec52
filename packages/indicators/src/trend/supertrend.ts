import { z } from 'zod';
import { outputArray } from '../warmup.ts';
import { atr, AtrState } from '../volatility/atr.ts';
import type { AtrStateJSON, HlcCandle } from '../volatility/atr.ts';
import { jsonNumber, toJsonNumber } from '../state-json.ts';
import { parseState, parseWith } from '../params.ts';
import { InvalidStateError } from '../errors.ts';

export const supertrendParams = z.strictObject({
  period: z.number().int().min(1).max(100_000).default(10),
  multiplier: z.number().min(0.01).max(100).default(3),
});
export type SupertrendParams = z.output<typeof supertrendParams>;

export interface SupertrendOutput {
  value: Float64Array;
  direction: Float64Array;
}

/**
 * SuperTrend (TA-Lib has none). Convention of TradingView's ta.supertrend and trading-signals:
 * basic bands hl2 ± multiplier·ATR (TA-Lib's Wilder ATR, so the first value is at index `period`);
 * a final band only tightens, unless the previous close broke it; the trend turns up when close
 * rises above the final upper band and down when it falls below the final lower band; on the first
 * bar the trend is down unless close is above the upper band. value = lower band in an uptrend,
 * upper band in a downtrend; direction = +1 up, −1 down (TradingView's sign is the opposite).
 */
export function supertrend(
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  period: number,
  multiplier: number,
): SupertrendOutput {
  const n = close.length;
  const value = outputArray(n, period);
  const direction = outputArray(n, period);
  const range = atr(high, low, close, period);
  let fu = 0;
  let fl = 0;
  let up = false;
  for (let i = period; i < n; i++) {
    const hl2 = (high[i]! + low[i]!) / 2;
    const off = multiplier * range[i]!;
    const bu = hl2 + off;
    const bl = hl2 - off;
    const c = close[i]!;
    if (i === period) {
      fu = bu;
      fl = bl;
      up = c > fu;
    } else {
      const pc = close[i - 1]!;
      fu = bu < fu || pc > fu ? bu : fu;
      fl = bl > fl || pc < fl ? bl : fl;
      up = up ? c >= fl : c > fu;
    }
    value[i] = up ? fl : fu;
    direction[i] = up ? 1 : -1;
  }
  return { value, direction };
}

export interface SupertrendValue {
  value: number;
  direction: number;
}

export interface SupertrendStateJSON {
  kind: 'supertrend';
  params: SupertrendParams;
  count: number;
  atr: AtrStateJSON;
  finalUpper: number | null;
  finalLower: number | null;
  up: boolean;
  prevClose: number | null;
}

const supertrendStateSchema = z.strictObject({
  kind: z.literal('supertrend'),
  params: z.strictObject({ period: z.number(), multiplier: z.number() }),
  count: z.number().int().min(0),
  atr: z.unknown(),
  finalUpper: jsonNumber,
  finalLower: jsonNumber,
  up: z.boolean(),
  prevClose: jsonNumber,
});

/** O(1) streaming SuperTrend: the batch kernel's ATR, bands and trend rule, so the same bits. */
export class SupertrendState {
  readonly params: SupertrendParams;
  private count = 0;
  private atr: AtrState;
  private finalUpper = 0;
  private finalLower = 0;
  private up = false;
  private prevClose = NaN;

  constructor(params: Partial<SupertrendParams> = {}) {
    this.params = parseWith('supertrend', supertrendParams, params);
    this.atr = new AtrState({ period: this.params.period });
  }

  private step(candle: HlcCandle, commit: boolean): SupertrendValue {
    const { period, multiplier } = this.params;
    const i = this.count;
    const range = commit ? this.atr.next(candle) : this.atr.peek(candle);
    const pc = this.prevClose;
    const c = candle.close;
    if (commit) {
      this.count++;
      this.prevClose = c;
    }
    if (i < period) return { value: NaN, direction: NaN };
    const hl2 = (candle.high + candle.low) / 2;
    const off = multiplier * range;
    const bu = hl2 + off;
    const bl = hl2 - off;
    let fu: number;
    let fl: number;
    let up: boolean;
    if (i === period) {
      fu = bu;
      fl = bl;
      up = c > fu;
    } else {
      fu = bu < this.finalUpper || pc > this.finalUpper ? bu : this.finalUpper;
      fl = bl > this.finalLower || pc < this.finalLower ? bl : this.finalLower;
      up = this.up ? c >= fl : c > fu;
    }
    if (commit) {
      this.finalUpper = fu;
      this.finalLower = fl;
      this.up = up;
    }
    return { value: up ? fl : fu, direction: up ? 1 : -1 };
  }

  /** Adds a closed candle and returns the SuperTrend and its direction at it. */
  next(candle: HlcCandle): SupertrendValue {
    return this.step(candle, true);
  }

  /** The SuperTrend and its direction if `candle` came next, without adding it. */
  peek(candle: HlcCandle): SupertrendValue {
    return this.step(candle, false);
  }

  toJSON(): SupertrendStateJSON {
    return {
      kind: 'supertrend',
      params: { ...this.params },
      count: this.count,
      atr: this.atr.toJSON(),
      finalUpper: toJsonNumber(this.finalUpper),
      finalLower: toJsonNumber(this.finalLower),
      up: this.up,
      prevClose: toJsonNumber(this.prevClose),
    };
  }

  static fromJSON(json: unknown): SupertrendState {
    const s = parseState('supertrend', supertrendStateSchema, json);
    const state = new SupertrendState(parseState('supertrend', supertrendParams, s.params));
    const atr = AtrState.fromJSON(s.atr);
    if (atr.period !== state.params.period) {
      throw new InvalidStateError('supertrend', `ATR of period ${atr.period} where ${state.params.period} was expected`);
    }
    state.count = s.count;
    state.atr = atr;
    state.finalUpper = s.finalUpper;
    state.finalLower = s.finalLower;
    state.up = s.up;
    state.prevClose = s.prevClose;
    return state;
  }
}
