import { z } from 'zod';
import { outputArray } from '../warmup.ts';
import { SmaCore, smaCoreSchema, smaInto } from '../trend/sma.ts';
import type { SmaCoreJSON } from '../trend/sma.ts';
import { ExtremesWindow, extremesWindowSchema } from '../window/extremes-window.ts';
import type { ExtremesWindowJSON } from '../window/extremes-window.ts';
import { parseState, parseWith } from '../params.ts';
import type { HlcCandle } from '../volatility/atr.ts';

export const stochParams = z.strictObject({
  kPeriod: z.number().int().min(1).max(100_000).default(14),
  kSmoothing: z.number().int().min(1).max(10_000).default(3),
  dPeriod: z.number().int().min(1).max(10_000).default(3),
});
export type StochParams = z.output<typeof stochParams>;

/**
 * Fast %K: (close − lowest)/((highest − lowest)/100), 0 when the range is 0 — TA-Lib's exact
 * expression (it divides by range/100 rather than multiplying by 100) — or below `minRange`.
 */
export function fastK(close: number, highest: number, lowest: number, minRange: number): number {
  const diff = (highest - lowest) / 100.0;
  return diff !== 0.0 && !(Math.abs(highest - lowest) < minRange) ? (close - lowest) / diff : 0.0;
}

/**
 * Fast %K (see fastK) over src[start..]. `minRange` (default 0: TA-Lib's rule) treats a narrower
 * range as zero.
 */
export function fastKInto(
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  start: number,
  period: number,
  out: Float64Array,
  minRange = 0,
): void {
  const n = close.length;
  // The window scan of rollingExtremes (see window/extremes.ts), fused so no temporary arrays are needed.
  let hIdx = -1;
  let lIdx = -1;
  let highest = 0;
  let lowest = 0;
  for (let i = start + period - 1, trailing = start; i < n; i++, trailing++) {
    const h = high[i]!;
    if (hIdx < trailing) {
      hIdx = trailing;
      highest = high[trailing]!;
      for (let j = trailing + 1; j <= i; j++) {
        const v = high[j]!;
        if (v > highest) {
          highest = v;
          hIdx = j;
        }
      }
    } else if (h >= highest) {
      hIdx = i;
      highest = h;
    }
    const l = low[i]!;
    if (lIdx < trailing) {
      lIdx = trailing;
      lowest = low[trailing]!;
      for (let j = trailing + 1; j <= i; j++) {
        const v = low[j]!;
        if (v < lowest) {
          lowest = v;
          lIdx = j;
        }
      }
    } else if (l <= lowest) {
      lIdx = i;
      lowest = l;
    }
    // fastK, spelled out inline.
    const diff = (highest - lowest) / 100.0;
    out[i] = diff !== 0.0 && !(Math.abs(highest - lowest) < minRange) ? (close[i]! - lowest) / diff : 0.0;
  }
}

export interface StochOutput {
  k: Float64Array;
  d: Float64Array;
}

/**
 * Slow stochastic as TA-Lib's STOCH with SMA smoothing: %K = SMA(fast %K, kSmoothing),
 * %D = SMA(%K, dPeriod). Like TA-Lib both outputs start at kPeriod−1 + kSmoothing−1 + dPeriod−1.
 */
export function stoch(
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  kPeriod: number,
  kSmoothing: number,
  dPeriod: number,
): StochOutput {
  const n = close.length;
  const lb = kPeriod - 1 + (kSmoothing - 1) + (dPeriod - 1);
  const fast = new Float64Array(n);
  fastKInto(high, low, close, 0, kPeriod, fast);
  const k = outputArray(n, kPeriod - 1 + (kSmoothing - 1));
  smaInto(fast, kPeriod - 1, n, kSmoothing, k);
  const d = outputArray(n, lb);
  smaInto(k, kPeriod - 1 + (kSmoothing - 1), n, dPeriod, d);
  k.fill(NaN, 0, lb < n ? lb : n);
  return { k, d };
}

export interface StochValue {
  k: number;
  d: number;
}

export interface StochStateJSON {
  kind: 'stoch';
  params: StochParams;
  count: number;
  window: ExtremesWindowJSON;
  slowK: SmaCoreJSON;
  slowD: SmaCoreJSON;
}

const stochStateSchema = z.strictObject({
  kind: z.literal('stoch'),
  params: z.strictObject({ kPeriod: z.number(), kSmoothing: z.number(), dPeriod: z.number() }),
  count: z.number().int().min(0),
  window: extremesWindowSchema,
  slowK: smaCoreSchema,
  slowD: smaCoreSchema,
});

/** Streaming slow stochastic (amortised O(1)): the batch kernel's window, SMAs and warm-up, so the same bits. */
export class StochState {
  readonly params: StochParams;
  private count = 0;
  private window: ExtremesWindow;
  private slowK: SmaCore;
  private slowD: SmaCore;

  constructor(params: Partial<StochParams> = {}) {
    this.params = parseWith('stoch', stochParams, params);
    this.window = new ExtremesWindow(this.params.kPeriod);
    this.slowK = new SmaCore(this.params.kSmoothing);
    this.slowD = new SmaCore(this.params.dPeriod);
  }

  private step(candle: HlcCandle, commit: boolean): StochValue {
    const { kPeriod, kSmoothing, dPeriod } = this.params;
    const i = this.count;
    if (commit) this.count++;
    this.window.step(candle.high, candle.low, commit);
    if (i < kPeriod - 1) return { k: NaN, d: NaN };
    const fast = fastK(candle.close, this.window.highest, this.window.lowest, 0);
    const k = this.slowK.step(fast, commit);
    if (i < kPeriod - 1 + (kSmoothing - 1)) return { k: NaN, d: NaN };
    const d = this.slowD.step(k, commit);
    if (i < kPeriod - 1 + (kSmoothing - 1) + (dPeriod - 1)) return { k: NaN, d: NaN };
    return { k, d };
  }

  /** Adds a closed candle and returns %K and %D at it. */
  next(candle: HlcCandle): StochValue {
    return this.step(candle, true);
  }

  /** %K and %D if `candle` came next, without adding it. */
  peek(candle: HlcCandle): StochValue {
    return this.step(candle, false);
  }

  toJSON(): StochStateJSON {
    return {
      kind: 'stoch',
      params: { ...this.params },
      count: this.count,
      window: this.window.toJSON(),
      slowK: this.slowK.toJSON(),
      slowD: this.slowD.toJSON(),
    };
  }

  static fromJSON(json: unknown): StochState {
    const s = parseState('stoch', stochStateSchema, json);
    const state = new StochState(parseState('stoch', stochParams, s.params));
    const { kPeriod, kSmoothing, dPeriod } = state.params;
    state.count = s.count;
    state.window = ExtremesWindow.from('stoch', s.window, kPeriod);
    state.slowK = SmaCore.forPeriod('stoch', s.slowK, kSmoothing);
    state.slowD = SmaCore.forPeriod('stoch', s.slowD, dPeriod);
    return state;
  }
}
