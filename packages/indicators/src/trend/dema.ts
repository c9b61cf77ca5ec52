import { z } from 'zod';
import { outputArray } from '../warmup.ts';
import { EmaCore, emaCoreSchema, emaInto, emaK } from './ema.ts';
import type { EmaCoreJSON } from './ema.ts';
import { parseState, parseWith } from '../params.ts';

export const demaParams = z.strictObject({ period: z.number().int().min(2).max(50_000).default(20) });
export type DemaParams = z.output<typeof demaParams>;

/** 2·EMA − EMA(EMA); the second EMA is seeded by the SMA of the first EMA's first `period` values (TA-Lib). */
export function dema(src: Float64Array, period: number): Float64Array {
  const n = src.length;
  const lb = 2 * (period - 1);
  const e1 = outputArray(n, period - 1);
  const k = emaK(period);
  emaInto(src, 0, n, period, k, e1);
  const out = outputArray(n, lb);
  emaInto(e1, period - 1, n, period, k, out);
  for (let i = lb; i < n; i++) out[i] = 2.0 * e1[i]! - out[i]!;
  return out;
}

export interface DemaStateJSON {
  kind: 'dema';
  period: number;
  ema1: EmaCoreJSON;
  ema2: EmaCoreJSON;
}

const demaStateSchema = z.strictObject({ kind: z.literal('dema'), period: z.number().int(), ema1: emaCoreSchema, ema2: emaCoreSchema });

/** O(1) streaming DEMA: the two chained EMAs of the batch kernel, so the same bits. */
export class DemaState {
  readonly period: number;
  private ema1: EmaCore;
  private ema2: EmaCore;

  constructor(params: Partial<DemaParams> = {}) {
    this.period = parseWith('dema', demaParams, params).period;
    this.ema1 = new EmaCore(this.period);
    this.ema2 = new EmaCore(this.period);
  }

  get params(): DemaParams {
    return { period: this.period };
  }

  private step(value: number, commit: boolean): number {
    const ready1 = this.ema1.readyNext;
    const e1 = this.ema1.step(value, commit);
    if (!ready1) return NaN;
    const ready2 = this.ema2.readyNext;
    const e2 = this.ema2.step(e1, commit);
    return ready2 ? 2.0 * e1 - e2 : NaN;
  }

  /** Adds a value (a closed candle's close) and returns the DEMA at it. */
  next(value: number): number {
    return this.step(value, true);
  }

  /** The DEMA if `value` came next, without adding it. */
  peek(value: number): number {
    return this.step(value, false);
  }

  toJSON(): DemaStateJSON {
    return { kind: 'dema', period: this.period, ema1: this.ema1.toJSON(), ema2: this.ema2.toJSON() };
  }

  static fromJSON(json: unknown): DemaState {
    const s = parseState('dema', demaStateSchema, json);
    const state = new DemaState(parseState('dema', demaParams, { period: s.period }));
    state.ema1 = EmaCore.forPeriod('dema', s.ema1, s.period);
    state.ema2 = EmaCore.forPeriod('dema', s.ema2, s.period);
    return state;
  }
}
