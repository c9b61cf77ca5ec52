import { z } from 'zod';
import { outputArray } from '../warmup.ts';
import { parseState, parseWith } from '../params.ts';
import { LagRing, lagRingFields } from '../window/lag-ring.ts';
import type { LagRingJSON } from '../window/lag-ring.ts';

export const rocParams = z.strictObject({ period: z.number().int().min(1).max(100_000).default(10) });
export type RocParams = z.output<typeof rocParams>;

/** Rate of change in percent: ((x / x[i−period]) − 1)·100, 0 when the old value is 0 (TA-Lib). */
export function roc(src: Float64Array, period: number): Float64Array {
  const n = src.length;
  const out = outputArray(n, period);
  for (let i = period; i < n; i++) {
    const prev = src[i - period]!;
    out[i] = prev !== 0.0 ? (src[i]! / prev - 1.0) * 100.0 : 0.0;
  }
  return out;
}

export interface RocStateJSON extends LagRingJSON {
  kind: 'roc';
  period: number;
}

const rocStateSchema = z.strictObject({ kind: z.literal('roc'), period: z.number().int(), ...lagRingFields });

/** O(1) streaming rate of change: the last `period` closes in a ring, the batch kernel's expression, so the same bits. */
export class RocState {
  readonly period: number;
  private ring: LagRing;

  constructor(params: Partial<RocParams> = {}) {
    this.period = parseWith('roc', rocParams, params).period;
    this.ring = new LagRing(this.period);
  }

  get params(): RocParams {
    return { period: this.period };
  }

  private step(value: number, commit: boolean): number {
    const old = this.ring.step(value, commit);
    return Number.isNaN(old) ? NaN : old !== 0.0 ? (value / old - 1.0) * 100.0 : 0.0;
  }

  /** Adds a value (a closed candle's close) and returns the rate of change at it. */
  next(value: number): number {
    return this.step(value, true);
  }

  /** The rate of change if `value` came next, without adding it. */
  peek(value: number): number {
    return this.step(value, false);
  }

  toJSON(): RocStateJSON {
    return { kind: 'roc', period: this.period, ...this.ring.toJSON() };
  }

  static fromJSON(json: unknown): RocState {
    const s = parseState('roc', rocStateSchema, json);
    const state = new RocState(parseState('roc', rocParams, { period: s.period }));
    state.ring = LagRing.from('roc', s, state.period);
    return state;
  }
}
