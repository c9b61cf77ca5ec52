import { z } from 'zod';
import { outputArray } from '../warmup.ts';
import { jsonNumber, toJsonNumber } from '../state-json.ts';
import { parseState, parseWith } from '../params.ts';

export const psarParams = z
  .strictObject({
    acceleration: z.number().min(0.0001).max(1).default(0.02),
    maximum: z.number().min(0.0001).max(1).default(0.2),
  })
  .refine((p) => p.acceleration <= p.maximum, { message: 'must be ≥ acceleration', path: ['maximum'] });
export type PsarParams = z.output<typeof psarParams>;

/**
 * Parabolic SAR exactly as TA-Lib's SAR: the first direction comes from bar 1's directional
 * movement (short if −DM > 0), the first SAR is bar 0's extreme, and each new SAR is clamped to
 * the previous two bars' range; on a reversal the SAR jumps to the extreme point. Starts at index 1.
 */
export function psar(high: Float64Array, low: Float64Array, acceleration: number, maximum: number): Float64Array {
  const n = high.length;
  const out = outputArray(n, 1);
  if (n < 2) return out;
  const accel = acceleration;
  let af = accel;
  const diffM = low[0]! - low[1]!;
  const diffP = high[1]! - high[0]!;
  let isLong = !(diffM > 0 && diffP < diffM);
  let ep: number;
  let sar: number;
  if (isLong) {
    ep = high[1]!;
    sar = low[0]!;
  } else {
    ep = low[1]!;
    sar = high[0]!;
  }
  let newLow = low[1]!;
  let newHigh = high[1]!;
  for (let i = 1; i < n; i++) {
    const prevLow = newLow;
    const prevHigh = newHigh;
    newLow = low[i]!;
    newHigh = high[i]!;
    if (isLong) {
      if (newLow <= sar) {
        isLong = false;
        sar = ep;
        if (sar < prevHigh) sar = prevHigh;
        if (sar < newHigh) sar = newHigh;
        out[i] = sar;
        af = accel;
        ep = newLow;
        sar = sar + af * (ep - sar);
        if (sar < prevHigh) sar = prevHigh;
        if (sar < newHigh) sar = newHigh;
      } else {
        out[i] = sar;
        if (newHigh > ep) {
          ep = newHigh;
          af += accel;
          if (af > maximum) af = maximum;
        }
        sar = sar + af * (ep - sar);
        if (sar > prevLow) sar = prevLow;
        if (sar > newLow) sar = newLow;
      }
    } else if (newHigh >= sar) {
      isLong = true;
      sar = ep;
      if (sar > prevLow) sar = prevLow;
      if (sar > newLow) sar = newLow;
      out[i] = sar;
      af = accel;
      ep = newHigh;
      sar = sar + af * (ep - sar);
      if (sar > prevLow) sar = prevLow;
      if (sar > newLow) sar = newLow;
    } else {
      out[i] = sar;
      if (newLow < ep) {
        ep = newLow;
        af += accel;
        if (af > maximum) af = maximum;
      }
      sar = sar + af * (ep - sar);
      if (sar < prevHigh) sar = prevHigh;
      if (sar < newHigh) sar = newHigh;
    }
  }
  return out;
}

/** The loop-carried variables of the batch kernel. */
interface SarVars {
  isLong: boolean;
  af: number;
  ep: number;
  sar: number;
  newHigh: number;
  newLow: number;
}

/** One iteration of the batch kernel's loop (i ≥ 1) on `v`; returns out[i]. */
function sarStep(v: SarVars, high: number, low: number, accel: number, maximum: number): number {
  const prevLow = v.newLow;
  const prevHigh = v.newHigh;
  const newLow = low;
  const newHigh = high;
  v.newLow = newLow;
  v.newHigh = newHigh;
  let sar = v.sar;
  let out: number;
  if (v.isLong) {
    if (newLow <= sar) {
      v.isLong = false;
      sar = v.ep;
      if (sar < prevHigh) sar = prevHigh;
      if (sar < newHigh) sar = newHigh;
      out = sar;
      v.af = accel;
      v.ep = newLow;
      sar = sar + v.af * (v.ep - sar);
      if (sar < prevHigh) sar = prevHigh;
      if (sar < newHigh) sar = newHigh;
    } else {
      out = sar;
      if (newHigh > v.ep) {
        v.ep = newHigh;
        v.af += accel;
        if (v.af > maximum) v.af = maximum;
      }
      sar = sar + v.af * (v.ep - sar);
      if (sar > prevLow) sar = prevLow;
      if (sar > newLow) sar = newLow;
    }
  } else if (newHigh >= sar) {
    v.isLong = true;
    sar = v.ep;
    if (sar > prevLow) sar = prevLow;
    if (sar > newLow) sar = newLow;
    out = sar;
    v.af = accel;
    v.ep = newHigh;
    sar = sar + v.af * (v.ep - sar);
    if (sar > prevLow) sar = prevLow;
    if (sar > newLow) sar = newLow;
  } else {
    out = sar;
    if (newLow < v.ep) {
      v.ep = newLow;
      v.af += accel;
      if (v.af > maximum) v.af = maximum;
    }
    sar = sar + v.af * (v.ep - sar);
    if (sar < prevHigh) sar = prevHigh;
    if (sar < newHigh) sar = newHigh;
  }
  v.sar = sar;
  return out;
}

export interface PsarStateJSON {
  kind: 'psar';
  params: PsarParams;
  count: number;
  isLong: boolean;
  af: number | null;
  ep: number | null;
  sar: number | null;
  newHigh: number | null;
  newLow: number | null;
  firstHigh: number | null;
  firstLow: number | null;
}

const psarStateSchema = z.strictObject({
  kind: z.literal('psar'),
  params: z.strictObject({ acceleration: z.number(), maximum: z.number() }),
  count: z.number().int().min(0),
  isLong: z.boolean(),
  af: jsonNumber,
  ep: jsonNumber,
  sar: jsonNumber,
  newHigh: jsonNumber,
  newLow: jsonNumber,
  firstHigh: jsonNumber,
  firstLow: jsonNumber,
});

/** O(1) streaming Parabolic SAR: the batch kernel's start (from bars 0 and 1) and loop, so the same bits. */
export class PsarState {
  readonly params: PsarParams;
  private count = 0;
  private vars: SarVars = { isLong: true, af: NaN, ep: NaN, sar: NaN, newHigh: NaN, newLow: NaN };
  // Bar 0, kept until bar 1 fixes the first direction.
  private firstHigh = NaN;
  private firstLow = NaN;

  constructor(params: Partial<PsarParams> = {}) {
    this.params = parseWith('psar', psarParams, params);
  }

  private step(candle: { high: number; low: number }, commit: boolean): number {
    const { acceleration, maximum } = this.params;
    const i = this.count;
    if (i === 0) {
      if (commit) {
        this.count++;
        this.firstHigh = candle.high;
        this.firstLow = candle.low;
      }
      return NaN;
    }
    let v: SarVars;
    if (i === 1) {
      const diffM = this.firstLow - candle.low;
      const diffP = candle.high - this.firstHigh;
      const isLong = !(diffM > 0 && diffP < diffM);
      v = isLong
        ? { isLong, af: acceleration, ep: candle.high, sar: this.firstLow, newHigh: candle.high, newLow: candle.low }
        : { isLong, af: acceleration, ep: candle.low, sar: this.firstHigh, newHigh: candle.high, newLow: candle.low };
    } else {
      v = { ...this.vars };
    }
    const out = sarStep(v, candle.high, candle.low, acceleration, maximum);
    if (commit) {
      this.count++;
      this.vars = v;
    }
    return out;
  }

  /** Adds a closed candle and returns the SAR at it. */
  next(candle: { high: number; low: number }): number {
    return this.step(candle, true);
  }

  /** The SAR if `candle` came next, without adding it. */
  peek(candle: { high: number; low: number }): number {
    return this.step(candle, false);
  }

  toJSON(): PsarStateJSON {
    const v = this.vars;
    return {
      kind: 'psar',
      params: { ...this.params },
      count: this.count,
      isLong: v.isLong,
      af: toJsonNumber(v.af),
      ep: toJsonNumber(v.ep),
      sar: toJsonNumber(v.sar),
      newHigh: toJsonNumber(v.newHigh),
      newLow: toJsonNumber(v.newLow),
      firstHigh: toJsonNumber(this.firstHigh),
      firstLow: toJsonNumber(this.firstLow),
    };
  }

  static fromJSON(json: unknown): PsarState {
    const s = parseState('psar', psarStateSchema, json);
    const state = new PsarState(parseState('psar', psarParams, s.params));
    state.count = s.count;
    state.vars = { isLong: s.isLong, af: s.af, ep: s.ep, sar: s.sar, newHigh: s.newHigh, newLow: s.newLow };
    state.firstHigh = s.firstHigh;
    state.firstLow = s.firstLow;
    return state;
  }
}
