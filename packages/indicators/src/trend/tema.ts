import { z } from 'zod';
import { outputArray } from '../warmup.ts';
import { EmaCore, emaCoreSchema, emaInto, emaK } from './ema.ts';
import type { EmaCoreJSON } from './ema.ts';
import { parseState, parseWith } from '../params.ts';

export const temaParams = z.strictObject({ period: z.number().int().min(2).max(30_000).default(20) });
export type TemaParams = z.output<typeof temaParams>;

/** 3·EMA − 3·EMA² + EMA³, each EMA seeded by the SMA of its input's first valid `period` values (TA-Lib). */
export function tema(src: Float64Array, period: number): Float64Array {
  const n = src.length;
  const k = emaK(period);
  const e1 = outputArray(n, period - 1);
  emaInto(src, 0, n, period, k, e1);
  const e2 = outputArray(n, 2 * (period - 1));
  emaInto(e1, period - 1, n, period, k, e2);
  const lb = 3 * (period - 1);
  const out = outputArray(n, lb);
  emaInto(e2, 2 * (period - 1), n, period, k, out);
  // TA-Lib's order: third + ((3·first) − (3·second)).
  for (let i = lb; i < n; i++) out[i] = out[i]! + (3.0 * e1[i]! - 3.0 * e2[i]!);
  return out;
}

export interface TemaStateJSON {
  kind: 'tema';
  period: number;
  ema1: EmaCoreJSON;
  ema2: EmaCoreJSON;
  ema3: EmaCoreJSON;
}

const temaStateSchema = z.strictObject({
  kind: z.literal('tema'),
  period: z.number().int(),
  ema1: emaCoreSchema,
  ema2: emaCoreSchema,
  ema3: emaCoreSchema,
});

/** O(1) streaming TEMA: the three chained EMAs of the batch kernel, so the same bits. */
export class TemaState {
  readonly period: number;
  private ema1: EmaCore;
  private ema2: EmaCore;
  private ema3: EmaCore;

  constructor(params: Partial<TemaParams> = {}) {
    this.period = parseWith('tema', temaParams, params).period;
    this.ema1 = new EmaCore(this.period);
    this.ema2 = new EmaCore(this.period);
    this.ema3 = new EmaCore(this.period);
  }

  get params(): TemaParams {
    return { period: this.period };
  }

  private step(value: number, commit: boolean): number {
    const ready1 = this.ema1.readyNext;
    const e1 = this.ema1.step(value, commit);
    if (!ready1) return NaN;
    const ready2 = this.ema2.readyNext;
    const e2 = this.ema2.step(e1, commit);
    if (!ready2) return NaN;
    const ready3 = this.ema3.readyNext;
    const e3 = this.ema3.step(e2, commit);
    return ready3 ? e3 + (3.0 * e1 - 3.0 * e2) : NaN;
  }

  /** Adds a value (a closed candle's close) and returns the TEMA at it. */
  next(value: number): number {
    return this.step(value, true);
  }

  /** The TEMA if `value` came next, without adding it. */
  peek(value: number): number {
    return this.step(value, false);
  }

  toJSON(): TemaStateJSON {
    return { kind: 'tema', period: this.period, ema1: this.ema1.toJSON(), ema2: this.ema2.toJSON(), ema3: this.ema3.toJSON() };
  }

  static fromJSON(json: unknown): TemaState {
    const s = parseState('tema', temaStateSchema, json);
    const state = new TemaState(parseState('tema', temaParams, { period: s.period }));
    state.ema1 = EmaCore.forPeriod('tema', s.ema1, s.period);
    state.ema2 = EmaCore.forPeriod('tema', s.ema2, s.period);
    state.ema3 = EmaCore.forPeriod('tema', s.ema3, s.period);
    return state;
  }
}
