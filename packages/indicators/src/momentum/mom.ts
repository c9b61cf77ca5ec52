import { z } from 'zod';
import { outputArray } from '../warmup.ts';
import { parseState, parseWith } from '../params.ts';
import { LagRing, lagRingFields } from '../window/lag-ring.ts';
import type { LagRingJSON } from '../window/lag-ring.ts';

export const momParams = z.strictObject({ period: z.number().int().min(1).max(100_000).default(10) });
export type MomParams = z.output<typeof momParams>;

/** Momentum: x − x[i−period] (TA-Lib's MOM). */
export function mom(src: Float64Array, period: number): Float64Array {
  const n = src.length;
  const out = outputArray(n, period);
  for (let i = period; i < n; i++) out[i] = src[i]! - src[i - period]!;
  return out;
}

export interface MomStateJSON extends LagRingJSON {
  kind: 'mom';
  period: number;
}

const momStateSchema = z.strictObject({ kind: z.literal('mom'), period: z.number().int(), ...lagRingFields });

/** O(1) streaming momentum: the last `period` closes in a ring, the batch kernel's expression, so the same bits. */
export class MomState {
  readonly period: number;
  private ring: LagRing;

  constructor(params: Partial<MomParams> = {}) {
    this.period = parseWith('mom', momParams, params).period;
    this.ring = new LagRing(this.period);
  }

  get params(): MomParams {
    return { period: this.period };
  }

  private step(value: number, commit: boolean): number {
    const old = this.ring.step(value, commit);
    return Number.isNaN(old) ? NaN : value - old;
  }

  /** Adds a value (a closed candle's close) and returns the momentum at it. */
  next(value: number): number {
    return this.step(value, true);
  }

  /** The momentum if `value` came next, without adding it. */
  peek(value: number): number {
    return this.step(value, false);
  }

  toJSON(): MomStateJSON {
    return { kind: 'mom', period: this.period, ...this.ring.toJSON() };
  }

  static fromJSON(json: unknown): MomState {
    const s = parseState('mom', momStateSchema, json);
    const state = new MomState(parseState('mom', momParams, { period: s.period }));
    state.ring = LagRing.from('mom', s, state.period);
    return state;
  }
}
