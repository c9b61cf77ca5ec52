import { z } from 'zod';
import { outputArray } from '../warmup.ts';
import { jsonNumberArray, toJsonNumbers } from '../state-json.ts';
import { parseState, parseWith } from '../params.ts';
import { InvalidStateError } from '../errors.ts';
import type { HlcCandle } from '../volatility/atr.ts';

export const cciParams = z.strictObject({ period: z.number().int().min(2).max(10_000).default(20) });
export type CciParams = z.output<typeof cciParams>;

/** TA-Lib's CCI over a full ring of typical prices, summed in slot order; `last` is the newest. */
function cciOfRing(ring: Float64Array, last: number): number {
  const period = ring.length;
  let avg = 0;
  for (let j = 0; j < period; j++) avg += ring[j]!;
  avg /= period;
  let dev = 0;
  for (let j = 0; j < period; j++) dev += Math.abs(ring[j]! - avg);
  const d = last - avg;
  return d !== 0.0 && dev !== 0.0 ? d / (0.015 * (dev / period)) : 0.0;
}

/**
 * Commodity Channel Index as TA-Lib: typical price (h+l+c)/3, mean deviation over the window,
 * (tp − mean)/(0.015·meanDev), 0 when either is 0. The mean deviation has no running form, so this
 * is O(n·period) like TA-Lib; sums run in TA-Lib's circular-buffer order so values match its bits.
 */
export function cci(high: Float64Array, low: Float64Array, close: Float64Array, period: number): Float64Array {
  const n = close.length;
  const out = outputArray(n, period - 1);
  const ring = new Float64Array(period);
  let slot = -1;
  for (let i = 0; i < n; i++) {
    if (++slot === period) slot = 0;
    const last = (high[i]! + low[i]! + close[i]!) / 3;
    ring[slot] = last;
    if (i < period - 1) continue;
    out[i] = cciOfRing(ring, last);
  }
  return out;
}

export interface CciStateJSON {
  kind: 'cci';
  period: number;
  count: number;
  ring: (number | null)[];
}

const cciStateSchema = z.strictObject({
  kind: z.literal('cci'),
  period: z.number().int(),
  count: z.number().int().min(0),
  ring: jsonNumberArray,
});

/**
 * Streaming CCI: the batch kernel's ring (typical price i at slot i % period) and sums, so the same
 * bits — and, like it, O(period) per candle: the mean deviation has no running form.
 */
export class CciState {
  readonly period: number;
  private count = 0;
  private readonly ring: Float64Array;

  constructor(params: Partial<CciParams> = {}) {
    this.period = parseWith('cci', cciParams, params).period;
    this.ring = new Float64Array(this.period);
  }

  get params(): CciParams {
    return { period: this.period };
  }

  private step(candle: HlcCandle, commit: boolean): number {
    const i = this.count;
    const slot = i % this.period;
    const last = (candle.high + candle.low + candle.close) / 3;
    const previous = this.ring[slot]!;
    this.ring[slot] = last;
    const out = i < this.period - 1 ? NaN : cciOfRing(this.ring, last);
    if (commit) this.count++;
    else this.ring[slot] = previous;
    return out;
  }

  /** Adds a closed candle and returns the CCI at it. */
  next(candle: HlcCandle): number {
    return this.step(candle, true);
  }

  /** The CCI if `candle` came next, without adding it. */
  peek(candle: HlcCandle): number {
    return this.step(candle, false);
  }

  toJSON(): CciStateJSON {
    return { kind: 'cci', period: this.period, count: this.count, ring: toJsonNumbers(this.ring) };
  }

  static fromJSON(json: unknown): CciState {
    const s = parseState('cci', cciStateSchema, json);
    const state = new CciState(parseState('cci', cciParams, { period: s.period }));
    if (s.ring.length !== s.period) throw new InvalidStateError('cci', `ring length ${s.ring.length} != period ${s.period}`);
    state.count = s.count;
    state.ring.set(s.ring);
    return state;
  }
}
