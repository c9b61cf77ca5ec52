import { z } from 'zod';
import { jsonNumber, toJsonNumber } from '../state-json.ts';
import { parseState } from '../params.ts';

export const vwapParams = z.strictObject({});

const DAY_MS = 86_400_000;

/**
 * VWAP anchored per UTC day (TA-Lib has none). Convention, as TradingView's session VWAP with the
 * "hlc3" source: typical price (h+l+c)/3 weighted by volume, cumulated from the first candle whose
 * open time falls in a new UTC day. A candle belongs to the day of its open time. While the day's
 * cumulated volume is 0 (no trades yet), the value is that candle's typical price. No warm-up.
 * Cross-checked against technicalindicators' VWAP (cumulative, no anchor) within one day.
 */
export function vwap(high: Float64Array, low: Float64Array, close: Float64Array, volume: Float64Array, time: Float64Array): Float64Array {
  const n = close.length;
  const out = new Float64Array(n);
  let day = NaN;
  let pv = 0;
  let vol = 0;
  for (let i = 0; i < n; i++) {
    const d = Math.floor(time[i]! / DAY_MS);
    if (d !== day) {
      day = d;
      pv = 0;
      vol = 0;
    }
    const tp = (high[i]! + low[i]! + close[i]!) / 3;
    const v = volume[i]!;
    pv += tp * v;
    vol += v;
    out[i] = vol > 0 ? pv / vol : tp;
  }
  return out;
}

export interface VwapCandle {
  high: number;
  low: number;
  close: number;
  volume: number;
  time: number;
}

export interface VwapStateJSON {
  kind: 'vwap';
  day: number | null;
  pv: number | null;
  vol: number | null;
}

const vwapStateSchema = z.strictObject({ kind: z.literal('vwap'), day: jsonNumber, pv: jsonNumber, vol: jsonNumber });

/** O(1) streaming VWAP: the day's running sums, restarted at 00:00 UTC as the batch kernel, so the same bits. */
export class VwapState {
  readonly params: Record<string, never> = {};
  private day = NaN;
  private pv = 0;
  private vol = 0;

  private step(candle: VwapCandle, commit: boolean): number {
    const d = Math.floor(candle.time / DAY_MS);
    const sameDay = d === this.day;
    const tp = (candle.high + candle.low + candle.close) / 3;
    const v = candle.volume;
    const pv = (sameDay ? this.pv : 0) + tp * v;
    const vol = (sameDay ? this.vol : 0) + v;
    if (commit) {
      this.day = d;
      this.pv = pv;
      this.vol = vol;
    }
    return vol > 0 ? pv / vol : tp;
  }

  /** Adds a closed candle and returns the VWAP at it. */
  next(candle: VwapCandle): number {
    return this.step(candle, true);
  }

  /** The VWAP if `candle` came next, without adding it. */
  peek(candle: VwapCandle): number {
    return this.step(candle, false);
  }

  toJSON(): VwapStateJSON {
    return { kind: 'vwap', day: toJsonNumber(this.day), pv: toJsonNumber(this.pv), vol: toJsonNumber(this.vol) };
  }

  static fromJSON(json: unknown): VwapState {
    const s = parseState('vwap', vwapStateSchema, json);
    const state = new VwapState();
    state.day = s.day;
    state.pv = s.pv;
    state.vol = s.vol;
    return state;
  }
}
