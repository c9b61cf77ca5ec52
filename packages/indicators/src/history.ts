import { getIndicator } from './lookup.ts';

/**
 * How many candles of history to read before a window so that its first value equals what a
 * computation over the whole stored history gives (to 1e-12 relative).
 *
 * Windowed indicators (SMA, Bollinger, Stochastic, …) need exactly their lookback. Recursive ones
 * (the EMA family, Wilder smoothing) never forget their seed, but its weight decays geometrically:
 * enough extra candles make it fall below 1e-12. Path-dependent ones (PSAR, SuperTrend) settle
 * after a reversal, which a few hundred candles all but guarantee. OBV is cumulative: it is
 * defined from the first candle read (as charting tools do), so only its changes are exact.
 * VWAP restarts at 00:00 UTC, so it needs the rest of the day.
 */
const EPSILON = 1e-12;
const DAY_MS = 86_400_000;
const PATH_SETTLE_CANDLES = 500;

const decay = (alpha: number) => Math.ceil(Math.log(EPSILON) / Math.log(1 - alpha));
const ema = (period: number) => decay(2 / (period + 1));
const wilder = (period: number) => decay(1 / period);

type Params = Record<string, unknown>;
const num = (p: Params, key: string): number => {
  const v = p[key];
  if (typeof v !== 'number') throw new TypeError(`history: param ${key} missing (pass parsed params)`);
  return v;
};

const EXTRA: Record<string, (p: Params, candleMs: number) => number> = {
  ema: (p) => ema(num(p, 'period')),
  dema: (p) => 2 * ema(num(p, 'period')),
  tema: (p) => 3 * ema(num(p, 'period')),
  rma: (p) => wilder(num(p, 'period')),
  rsi: (p) => wilder(num(p, 'period')),
  stochrsi: (p) => wilder(num(p, 'rsiPeriod')),
  macd: (p) => ema(num(p, 'slow')) + ema(num(p, 'signal')),
  atr: (p) => wilder(num(p, 'period')),
  natr: (p) => wilder(num(p, 'period')),
  adx: (p) => 3 * wilder(num(p, 'period')),
  keltner: (p) => Math.max(ema(num(p, 'period')), wilder(num(p, 'atrPeriod'))),
  supertrend: (p) => wilder(num(p, 'period')) + PATH_SETTLE_CANDLES,
  psar: () => PATH_SETTLE_CANDLES,
  obv: () => PATH_SETTLE_CANDLES,
  vwap: (_p, candleMs) => Math.max(0, Math.ceil(DAY_MS / candleMs) - 1),
};

/** Candles of history a window of `name` needs; `params` as parseParams returns them. */
export function historyFor(name: string, params: Params, candleMs: number): number {
  return getIndicator(name).lookback(params) + (EXTRA[name]?.(params, candleMs) ?? 0);
}
