/**
 * What every registry entry is checked against. `talib` maps our outputs to TA-Lib's own
 * functions; `peer` names a second, independent implementation for the indicators TA-Lib lacks
 * (or for the outputs TA-Lib lacks, like Bollinger %B). `shift`/`scale` say how each output must
 * move when every price column is shifted by a constant / scaled by a power of two.
 */
import { BollingerBands } from 'technicalindicators';
import { DonchianChannels, IchimokuCloud, KeltnerChannels, SuperTrend, VWAP, WSMA } from 'trading-signals';
import type { Columns } from '../../src/index.ts';
import { taLib } from './talib.ts';
import { DAY } from './series.ts';

type P = Record<string, unknown>;
type Series = Partial<Record<string, Float64Array>>;
export type Move = 'follow' | 'invariant' | 'none';

export interface Reference {
  /** Param sets checked besides the defaults. */
  params: P[];
  talib?: (c: Columns, p: P) => Series;
  peer?: { name: string; from: (p: P) => number; compute: (c: Columns, p: P) => Series; floor?: number };
  /**
   * Scale below which a difference is judged absolutely rather than relatively (compare.ts' floor).
   * Oscillators on a 0–100 scale use 1: their running sums leave ~1e-12 of noise where the true
   * value is 0 (both TA-Lib's and ours), which no relative test can rank.
   */
  floor?: number;
  /** Why NaN inputs give other NaN positions than TA-Lib's (checked in test/nan.test.ts instead). */
  nanDiffers?: string;
  /** Hostile series on which Wick departs from TA-Lib on purpose, with the reason (checked in their own test instead). */
  talibExempt?: Partial<Record<'spike', string>>;
  /** Exact value of an output at index i, to settle disagreements (see compare.ts). */
  arbiter?: (c: Columns, p: P, output: string, i: number) => number;
  shift: Record<string, Move>;
  scale: Record<string, Move>;
}

const num = (p: P, k: string): number => p[k] as number;

function single(name: string, key = 'period') {
  return (c: Columns, p: P): Series => ({ value: taLib(name, { inReal: c.close }, { optInTimePeriod: num(p, key) }).outReal });
}

function hlcTa(name: string) {
  return (c: Columns, p: P): Series => ({
    value: taLib(name, { high: c.high, low: c.low, close: c.close }, { optInTimePeriod: num(p, 'period') }).outReal,
  });
}

/** Run a candle-by-candle peer over the series, NaN where it has no value yet. */
function runPeer<R>(c: Columns, update: (i: number) => R | null | undefined, pick: Record<string, (r: R) => number>): Series {
  const n = c.close.length;
  const out: Series = {};
  for (const k of Object.keys(pick)) out[k] = new Float64Array(n).fill(NaN);
  for (let i = 0; i < n; i++) {
    const r = update(i);
    if (r === null || r === undefined) continue;
    for (const [k, f] of Object.entries(pick)) out[k]![i] = f(r);
  }
  return out;
}

const candle = (c: Columns, i: number) => ({
  open: c.open[i]!,
  high: c.high[i]!,
  low: c.low[i]!,
  close: c.close[i]!,
  volume: c.volume[i]!,
});

const ma = { shift: { value: 'follow' }, scale: { value: 'follow' } } as const;
const osc = { shift: { value: 'invariant' }, scale: { value: 'invariant' } } as const;

export const references: Record<string, Reference> = {
  sma: {
    params: [{ period: 2 }, { period: 50 }],
    talib: single('SMA'),
    ...ma,
  },
  ema: {
    params: [{ period: 2 }, { period: 50 }],
    talib: single('EMA'),
    ...ma,
  },
  wma: { params: [{ period: 2 }, { period: 50 }], talib: single('WMA'), ...ma },
  dema: { params: [{ period: 2 }, { period: 30 }], talib: single('DEMA'), ...ma },
  tema: { params: [{ period: 2 }, { period: 30 }], talib: single('TEMA'), ...ma },
  rma: {
    params: [{ period: 1 }, { period: 2 }, { period: 30 }],
    peer: {
      name: 'trading-signals WSMA',
      from: () => 0,
      compute: (c, p) => {
        const w = new WSMA(num(p, 'period'));
        return runPeer(c, (i) => w.update(c.close[i]!, false), { value: (r: number) => r });
      },
    },
    ...ma,
  },
  macd: {
    params: [
      { fast: 5, slow: 35, signal: 5 },
      { fast: 2, slow: 3, signal: 2 },
    ],
    talib: (c, p) => {
      const r = taLib(
        'MACD',
        { inReal: c.close },
        { optInFastPeriod: num(p, 'fast'), optInSlowPeriod: num(p, 'slow'), optInSignalPeriod: num(p, 'signal') },
      );
      return { macd: r.outMACD, signal: r.outMACDSignal, histogram: r.outMACDHist };
    },
    shift: { macd: 'invariant', signal: 'invariant', histogram: 'invariant' },
    scale: { macd: 'follow', signal: 'follow', histogram: 'follow' },
  },
  rsi: {
    floor: 1,
    params: [{ period: 2 }, { period: 30 }],
    talib: single('RSI'),
    ...osc,
  },
  bbands: {
    nanDiffers: 'the sums are rebuilt every period, so a NaN only spoils the windows that contain it (TA-Lib: every later value)',
    arbiter: (c, p, output, i) => {
      // Two passes in a frame centred on the window's first value: no cancellation to speak of.
      const period = num(p, 'period');
      const k = num(p, 'stdDev');
      const x0 = c.close[i - period + 1]!;
      let s = 0;
      for (let j = i - period + 1; j <= i; j++) s += c.close[j]! - x0;
      const mean = s / period;
      let ss = 0;
      for (let j = i - period + 1; j <= i; j++) ss += (c.close[j]! - x0 - mean) ** 2;
      const sd = Math.sqrt(ss / period);
      const mid = x0 + mean;
      const up = mid + k * sd;
      const lo = mid - k * sd;
      const values: Record<string, number> = {
        middle: mid,
        upper: up,
        lower: lo,
        percentB: up === lo ? 0.5 : (c.close[i]! - lo) / (up - lo),
        bandwidth: mid === 0 ? 0 : (up - lo) / mid,
      };
      return values[output]!;
    },
    params: [
      { period: 2, stdDev: 1 },
      { period: 50, stdDev: 2.5 },
      { period: 20, stdDev: 0 },
    ],
    talib: (c, p) => {
      const d = num(p, 'stdDev');
      const r = taLib(
        'BBANDS',
        { inReal: c.close },
        { optInTimePeriod: num(p, 'period'), optInNbDevUp: d, optInNbDevDn: d, optInMAType: 0 },
      );
      return { middle: r.outRealMiddleBand, upper: r.outRealUpperBand, lower: r.outRealLowerBand };
    },
    peer: {
      name: 'technicalindicators BollingerBands (%B)',
      from: () => 0,
      // %B lives on a scale of 1; near 0 it is a difference of two prices, so compare absolutely there.
      floor: 1,
      compute: (c, p) => {
        const period = num(p, 'period');
        const rows = BollingerBands.calculate({ period, stdDev: num(p, 'stdDev'), values: Array.from(c.close) });
        const pb = new Float64Array(c.close.length).fill(NaN);
        rows.forEach((r, j) => {
          // Zero-width bands: the peer divides 0 by 0; ours defines %B = 0.5 there (see bbands.ts).
          if (r.upper !== r.lower) pb[period - 1 + j] = r.pb;
        });
        return { percentB: pb };
      },
    },
    shift: { middle: 'follow', upper: 'follow', lower: 'follow', percentB: 'invariant', bandwidth: 'none' },
    scale: { middle: 'follow', upper: 'follow', lower: 'follow', percentB: 'invariant', bandwidth: 'invariant' },
  },
  atr: {
    params: [{ period: 1 }, { period: 2 }, { period: 30 }],
    talib: hlcTa('ATR'),
    shift: { value: 'invariant' },
    scale: { value: 'follow' },
  },
  // NATR(1) is left out: TA-Lib returns the raw true range for period 1 (see natr.test.ts).
  natr: { params: [{ period: 2 }, { period: 30 }], talib: hlcTa('NATR'), shift: { value: 'none' }, scale: { value: 'invariant' } },
  trange: {
    params: [],
    talib: (c) => ({ value: taLib('TRANGE', { high: c.high, low: c.low, close: c.close }).outReal }),
    shift: { value: 'invariant' },
    scale: { value: 'follow' },
  },
  stoch: {
    floor: 1,
    params: [
      { kPeriod: 5, kSmoothing: 1, dPeriod: 1 },
      { kPeriod: 1, kSmoothing: 2, dPeriod: 4 },
      { kPeriod: 30, kSmoothing: 5, dPeriod: 5 },
    ],
    talib: (c, p) => {
      const r = taLib(
        'STOCH',
        { high: c.high, low: c.low, close: c.close },
        {
          optInFastK_Period: num(p, 'kPeriod'),
          optInSlowK_Period: num(p, 'kSmoothing'),
          optInSlowK_MAType: 0,
          optInSlowD_Period: num(p, 'dPeriod'),
          optInSlowD_MAType: 0,
        },
      );
      return { k: r.outSlowK, d: r.outSlowD };
    },
    shift: { k: 'invariant', d: 'invariant' },
    scale: { k: 'invariant', d: 'invariant' },
  },
  stochrsi: {
    floor: 1,
    talibExempt: {
      spike:
        "after the spike RSI is constant in theory, but its ~1e-14 rounding wobble makes TA-Lib's %K swing 0/50/100; Wick reads a window narrower than STOCHRSI_MIN_RANGE as flat (%K 0) — see stochrsi.test.ts",
    },
    params: [
      { rsiPeriod: 5, kPeriod: 5, dPeriod: 3 },
      { rsiPeriod: 2, kPeriod: 1, dPeriod: 1 },
    ],
    talib: (c, p) => {
      const r = taLib(
        'STOCHRSI',
        { inReal: c.close },
        {
          optInTimePeriod: num(p, 'rsiPeriod'),
          optInFastK_Period: num(p, 'kPeriod'),
          optInFastD_Period: num(p, 'dPeriod'),
          optInFastD_MAType: 0,
        },
      );
      return { k: r.outFastK, d: r.outFastD };
    },
    shift: { k: 'invariant', d: 'invariant' },
    scale: { k: 'invariant', d: 'invariant' },
  },
  adx: {
    floor: 1,
    params: [{ period: 2 }, { period: 30 }],
    talib: (c, p) => {
      const hlc = { high: c.high, low: c.low, close: c.close };
      const o = { optInTimePeriod: num(p, 'period') };
      return { adx: taLib('ADX', hlc, o).outReal, plusDi: taLib('PLUS_DI', hlc, o).outReal, minusDi: taLib('MINUS_DI', hlc, o).outReal };
    },
    shift: { adx: 'invariant', plusDi: 'invariant', minusDi: 'invariant' },
    scale: { adx: 'invariant', plusDi: 'invariant', minusDi: 'invariant' },
  },
  cci: { floor: 1, params: [{ period: 2 }, { period: 50 }], talib: hlcTa('CCI'), ...osc },
  willr: { floor: 1, params: [{ period: 2 }, { period: 50 }], talib: hlcTa('WILLR'), ...osc },
  mfi: {
    floor: 1,
    params: [{ period: 2 }, { period: 30 }],
    talib: (c, p) => ({
      value: taLib('MFI', { high: c.high, low: c.low, close: c.close, volume: c.volume }, { optInTimePeriod: num(p, 'period') }).outReal,
    }),
    shift: { value: 'none' },
    scale: { value: 'invariant' },
  },
  obv: {
    nanDiffers: 'branch-free accumulation: a NaN volume spoils every later value (TA-Lib skips a bar whose close is NaN or unchanged)',
    params: [],
    talib: (c) => ({ value: taLib('OBV', { inReal: c.close, volume: c.volume }).outReal }),
    ...osc,
  },
  roc: { params: [{ period: 1 }, { period: 50 }], talib: single('ROC'), shift: { value: 'none' }, scale: { value: 'invariant' } },
  mom: { params: [{ period: 1 }, { period: 50 }], talib: single('MOM'), shift: { value: 'invariant' }, scale: { value: 'follow' } },
  vwap: {
    params: [],
    peer: {
      name: 'trading-signals VWAP restarted each UTC day',
      from: () => 0,
      compute: (c) => {
        let day = NaN;
        let v = new VWAP();
        return runPeer(
          c,
          (i) => {
            const d = Math.floor(c.time[i]! / DAY);
            if (d !== day) {
              day = d;
              v = new VWAP();
            }
            return v.update(candle(c, i), false);
          },
          { value: (r: number) => r },
        );
      },
    },
    ...ma,
  },
  keltner: {
    params: [{ period: 10, atrPeriod: 20, multiplier: 1.5 }],
    peer: {
      name: 'trading-signals KeltnerChannels (after its TR[0]=high−low ATR seed has decayed)',
      from: () => 1500,
      compute: (c, p) => {
        const k = new KeltnerChannels({
          emaInterval: num(p, 'period'),
          atrInterval: num(p, 'atrPeriod'),
          multiplier: num(p, 'multiplier'),
        });
        type R = { middle: number; upper: number; lower: number };
        return runPeer(c, (i) => k.update(candle(c, i), false) as R | null, {
          middle: (r: R) => r.middle,
          upper: (r: R) => r.upper,
          lower: (r: R) => r.lower,
        });
      },
    },
    shift: { middle: 'follow', upper: 'follow', lower: 'follow' },
    scale: { middle: 'follow', upper: 'follow', lower: 'follow' },
  },
  donchian: {
    params: [{ period: 2 }, { period: 55 }],
    talib: (c, p) => {
      const o = { optInTimePeriod: num(p, 'period') };
      const upper = taLib('MAX', { inReal: c.high }, o).outReal!;
      const lower = taLib('MIN', { inReal: c.low }, o).outReal!;
      return { upper, lower, middle: upper.map((u, i) => (u + lower[i]!) / 2) };
    },
    peer: {
      name: 'trading-signals DonchianChannels',
      from: () => 0,
      compute: (c, p) => {
        const d = new DonchianChannels(num(p, 'period'));
        type R = { middle: number; upper: number; lower: number };
        return runPeer(c, (i) => d.update(candle(c, i), false) as R | null, {
          middle: (r: R) => r.middle,
          upper: (r: R) => r.upper,
          lower: (r: R) => r.lower,
        });
      },
    },
    shift: { upper: 'follow', lower: 'follow', middle: 'follow' },
    scale: { upper: 'follow', lower: 'follow', middle: 'follow' },
  },
  psar: {
    params: [
      { acceleration: 0.01, maximum: 0.1 },
      { acceleration: 0.2, maximum: 0.2 },
    ],
    talib: (c, p) => ({
      value: taLib('SAR', { high: c.high, low: c.low }, { optInAcceleration: num(p, 'acceleration'), optInMaximum: num(p, 'maximum') })
        .outReal,
    }),
    ...ma,
  },
  supertrend: {
    params: [{ period: 7, multiplier: 2 }],
    peer: {
      name: 'trading-signals SuperTrend (after its TR[0]=high−low ATR seed has decayed)',
      from: () => 3000,
      compute: (c, p) => {
        const s = new SuperTrend({ interval: num(p, 'period'), multiplier: num(p, 'multiplier') });
        type R = { supertrend: number; trend: string };
        return runPeer(c, (i) => s.update(candle(c, i), false) as R | null, {
          value: (r: R) => r.supertrend,
          direction: (r: R) => (r.trend === 'BULLISH' ? 1 : -1),
        });
      },
    },
    shift: { value: 'follow', direction: 'invariant' },
    scale: { value: 'follow', direction: 'invariant' },
  },
  ichimoku: {
    params: [
      { tenkan: 7, kijun: 22, senkouB: 44 },
      { tenkan: 20, kijun: 10, senkouB: 5 },
    ],
    peer: {
      name: 'trading-signals IchimokuCloud',
      from: () => 0,
      compute: (c, p) => {
        const ic = new IchimokuCloud({
          conversionInterval: num(p, 'tenkan'),
          baseInterval: num(p, 'kijun'),
          spanBInterval: num(p, 'senkouB'),
        });
        type R = { conversion: number; base: number; spanA: number; spanB: number };
        return runPeer(c, (i) => ic.update(candle(c, i), false) as R | null, {
          tenkan: (r: R) => r.conversion,
          kijun: (r: R) => r.base,
          senkouA: (r: R) => r.spanA,
          senkouB: (r: R) => r.spanB,
        });
      },
    },
    shift: { tenkan: 'follow', kijun: 'follow', senkouA: 'follow', senkouB: 'follow', chikou: 'follow' },
    scale: { tenkan: 'follow', kijun: 'follow', senkouA: 'follow', senkouB: 'follow', chikou: 'follow' },
  },
};
